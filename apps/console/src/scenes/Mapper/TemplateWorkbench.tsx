import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { keys, useEventTypes, type MappingRule, type OrderEventType, type Template } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button, WriteButton } from '../../common/Button';
import { CodeEditor, type EditorProblem } from '../../common/CodeEditor';
import { Field, FieldSet } from '../../common/Field';
import { InputPanel, previewInput, type InputChoice } from './InputPanel';
import { OutputPanel } from './OutputPanel';
import { RuleList } from './RuleList';
import { targetFor } from './mapping';
import { useLivePreview, type TemplateFormat } from './usePreview';

export interface TemplateWorkbenchProps {
  /** The template being edited; a new one when absent. */
  template?: Template;
  /** Owner of a new template (the customer profile); global when absent. */
  customerId?: string;
  /** Event type whose sample to start from. */
  eventType?: OrderEventType;
  /** Formats offered (URL triggers need JSON). */
  formats?: TemplateFormat[];
  submitLabel?: string;
  onSaved: (template: Template, created: boolean) => void;
}

/** Editor errors (line and column) of an API error about the body. */
function bodyProblems(error: unknown): EditorProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((e) => e.field === 'body' && e.line !== undefined).map((e) => ({ line: e.line, column: e.column, message: e.message }));
}

/**
 * The Template Mapper with its preview: a name and format, the input (a sample or custom JSON),
 * the mapping rules or a hand-written Eta body, and the compiled template and rendered output,
 * updated as you edit. Saving creates the template or a new version of it.
 */
export function TemplateWorkbench({ template, customerId, eventType, formats = ['json', 'html', 'text'], submitLabel, onSaved }: TemplateWorkbenchProps) {
  const queryClient = useQueryClient();
  const eventTypes = useEventTypes();
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [format, setFormat] = useState<TemplateFormat>(template?.format ?? formats[0]);
  const [types, setTypes] = useState<OrderEventType[]>(template?.eventTypes ?? (eventType ? [eventType] : []));
  const [mode, setMode] = useState<'mapper' | 'eta'>(template ? (template.mapping?.length ? 'mapper' : 'eta') : 'mapper');
  const [rules, setRules] = useState<MappingRule[]>(template?.mapping ?? []);
  const [body, setBody] = useState(template?.body ?? '');
  const [input, setInput] = useState<InputChoice>(() =>
    template?.sampleInput
      ? { kind: 'custom', eventType: template.eventTypes[0] ?? 'order.shipped', customText: JSON.stringify(template.sampleInput, null, 2) }
      : { kind: 'sample', eventType: eventType ?? template?.eventTypes[0] ?? 'order.shipped', customText: '' },
  );
  const [picking, setPicking] = useState<number | undefined>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string>();

  const live = useLivePreview({ mode, rules, body, format: mode === 'mapper' ? 'json' : format, input: previewInput(input) });
  const compileError = live.compiled.error;
  const ruleFieldErrors = [
    ...(compileError instanceof ApiError ? compileError.errors : []),
    ...(live.preview.error instanceof ApiError && live.preview.error.status === 400 ? live.preview.error.errors : []),
    ...(saveError instanceof ApiError ? saveError.errors : []),
  ];
  const renderProblems = bodyProblems(live.preview.error);
  const fieldErrors = (f: string) => (saveError instanceof ApiError ? saveError.errorsFor(f) : []);

  const addRuleFor = (path: string) => {
    setRules((rs) => [
      ...rs,
      {
        target: targetFor(
          path,
          rs.map((r) => r.target),
        ),
        source: path,
        transform: 'none',
      },
    ]);
  };
  const pickField = (path: string) => {
    if (picking !== undefined) {
      setRules((rs) => rs.map((r, i) => (i === picking ? { ...r, source: path, transform: r.transform === 'constant' ? 'none' : r.transform } : r)));
      setPicking(undefined);
    } else addRuleFor(path);
  };

  const switchMode = (next: 'mapper' | 'eta') => {
    if (next === mode) return;
    if (next === 'eta' && live.compiled.data?.body && mode === 'mapper') {
      setBody(live.compiled.data.body);
      setNotice('The Eta template compiled from your rules is now yours to edit by hand. Saving it detaches the template from the rules.');
    } else if (next === 'mapper') {
      setFormat('json');
      setNotice(
        rules.length ? undefined : 'The Template Mapper writes JSON from rules: saving replaces the hand-written body with the one compiled from the rules.',
      );
    }
    setMode(next);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setSaveError(undefined);
    const sampleInput = input.kind === 'custom' ? (previewInput(input) as { input?: Record<string, unknown> } | undefined)?.input : undefined;
    const content =
      mode === 'mapper'
        ? { mapping: rules, format: 'json' as const }
        : { body, format, ...(template?.mapping?.length ? { mapping: null as unknown as undefined } : {}) };
    const common = {
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      eventTypes: types,
      ...content,
      ...(sampleInput ? { sampleInput } : {}),
    };
    try {
      let saved: Template;
      if (template) {
        saved = await unwrap(api.PATCH('/templates/{templateId}', { params: { path: { templateId: template.id } }, body: common }));
      } else if (customerId) {
        saved = await unwrap(api.POST('/customers/{customerId}/templates', { params: { path: { customerId } }, body: common }));
      } else {
        saved = await unwrap(api.POST('/templates', { body: common }));
      }
      await queryClient.invalidateQueries({ queryKey: keys.templates });
      onSaved(saved, !template);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="workbench-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-grid">
        <Field label="Template name" required errors={fieldErrors('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description" hint="What it is for (optional)." errors={fieldErrors('description')}>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field
          label="Format"
          hint={formats.length === 1 ? 'URL triggers send JSON.' : 'JSON for URL triggers; HTML or text for email bodies.'}
          errors={fieldErrors('format')}
        >
          <select
            value={mode === 'mapper' ? 'json' : format}
            onChange={(e) => setFormat(e.target.value as TemplateFormat)}
            disabled={mode === 'mapper' || formats.length === 1}
          >
            {formats.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FieldSet legend="Suits these events" hint="For finding it later; any trigger may use it." errors={fieldErrors('eventTypes')}>
        <div className="checkbox-grid">
          {(eventTypes.data ?? []).map((t) => (
            <label key={t.type} className="checkbox">
              <input
                type="checkbox"
                checked={types.includes(t.type)}
                onChange={(e) => setTypes((ts) => (e.target.checked ? [...ts, t.type] : ts.filter((x) => x !== t.type)))}
              />{' '}
              {t.label}
            </label>
          ))}
        </div>
      </FieldSet>

      <div className="mode-switch" role="group" aria-label="How the template is written">
        <Button variant={mode === 'mapper' ? 'primary' : 'secondary'} aria-pressed={mode === 'mapper'} onClick={() => switchMode('mapper')}>
          Template Mapper
        </Button>
        <Button variant={mode === 'eta' ? 'primary' : 'secondary'} aria-pressed={mode === 'eta'} onClick={() => switchMode('eta')}>
          Eta template
        </Button>
      </div>
      {notice && <Banner tone="info">{notice}</Banner>}

      <div className="workbench">
        <InputPanel
          choice={input}
          onChange={setInput}
          onPickField={pickField}
          pickingFor={picking !== undefined ? rules[picking]?.target || `rule ${picking + 1}` : undefined}
          showFields={mode === 'mapper'}
        />
        <section className="panel" aria-labelledby="mapping-title">
          <h3 id="mapping-title">{mode === 'mapper' ? 'Mapping rules' : 'Eta template'}</h3>
          {mode === 'mapper' ? (
            <RuleList rules={rules} onChange={setRules} errors={ruleFieldErrors} picking={picking} onPick={setPicking} onAddFromField={addRuleFor} />
          ) : (
            <>
              <p className="hint">
                <code>it</code> is the order event; <code>{'<%~ json(x) %>'}</code> writes any value as JSON, <code>{'<%= x %>'}</code> escapes text (inside a
                JSON string, or HTML).
              </p>
              <CodeEditor
                language="eta"
                label="Eta template body"
                value={body}
                onChange={setBody}
                problems={[...renderProblems, ...bodyProblems(saveError)]}
                height="26rem"
              />
            </>
          )}
        </section>
        <OutputPanel
          mode={mode}
          compiledBody={live.compiled.data?.body}
          compiledProblems={renderProblems}
          result={live.preview.data}
          error={live.preview.error}
          pending={live.pending || live.preview.isFetching}
          ready={live.ready}
          format={mode === 'mapper' ? 'json' : format}
        />
      </div>
      <ErrorBanner error={saveError} title="Not saved." />
      <div className="form-actions">
        <WriteButton type="submit" variant="primary" busy={saving}>
          {submitLabel ?? (template ? 'Save as a new version' : 'Save template')}
        </WriteButton>
      </div>
    </form>
  );
}
