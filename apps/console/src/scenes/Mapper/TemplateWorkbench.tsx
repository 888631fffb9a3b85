import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { keys, useEventTypes, type OrderEventType, type Template } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button, WriteButton } from '../../common/Button';
import { CodeEditor, type EditorProblem } from '../../common/CodeEditor';
import { Field, FieldSet } from '../../common/Field';
import { QueryState } from '../../common/QueryState';
import { InputPanel, previewInput, type InputChoice } from './InputPanel';
import { draftOf, errorsByRule, newDraft, ruleOf, targetFor, type RuleDraft } from './mapping';
import { OutputPanel } from './OutputPanel';
import { RuleList } from './RuleList';
import { compileRules, FORMAT_LABELS, MAPPER_FORMATS, mapperFormatOf, useLivePreview, type TemplateFormat } from './usePreview';

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
  /** Whether the form holds changes not saved yet (for leaving it with a warning). */
  onDirtyChange?: (dirty: boolean) => void;
}

/** Editor errors (line and column) of an API error about the body. */
function bodyProblems(error: unknown): EditorProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((e) => e.field === 'body' && e.line !== undefined).map((e) => ({ line: e.line, column: e.column, message: e.message }));
}

function merge(...maps: Array<Map<number, Record<string, string[]>>>): Map<number, Record<string, string[]>> {
  const out = new Map<number, Record<string, string[]>>();
  for (const m of maps) {
    for (const [id, fields] of m) {
      const into = out.get(id) ?? {};
      for (const [f, msgs] of Object.entries(fields)) into[f] = [...new Set([...(into[f] ?? []), ...msgs])];
      out.set(id, into);
    }
  }
  return out;
}

/**
 * The Template Mapper with its preview: a name and format, the input (a sample or custom JSON),
 * the mapping rules or a hand-written Eta body, and the compiled template and rendered output,
 * updated as you edit. Saving (its button only: Enter in a field does not save) creates the
 * template or a new version of it.
 */
export function TemplateWorkbench({
  template,
  customerId,
  eventType,
  formats = ['json', 'xml', 'form', 'html', 'text'],
  submitLabel,
  onSaved,
  onDirtyChange,
}: TemplateWorkbenchProps) {
  const queryClient = useQueryClient();
  const eventTypes = useEventTypes();
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [format, setFormat] = useState<TemplateFormat>(template?.format ?? formats[0]);
  const [types, setTypes] = useState<OrderEventType[]>(template?.eventTypes ?? (eventType ? [eventType] : []));
  const [mode, setMode] = useState<'mapper' | 'eta'>(template ? (template.mapping?.length ? 'mapper' : 'eta') : 'mapper');
  const [rules, setRulesState] = useState<RuleDraft[]>(() => (template?.mapping ?? []).map(draftOf));
  const [body, setBody] = useState(template?.body ?? '');
  const [input, setInput] = useState<InputChoice>(() =>
    template?.sampleInput
      ? { kind: 'custom', eventType: template.eventTypes[0] ?? 'order.shipped', customText: JSON.stringify(template.sampleInput, null, 2) }
      : { kind: 'sample', eventType: eventType ?? template?.eventTypes[0] ?? 'order.shipped', customText: '' },
  );
  const [picking, setPicking] = useState<number | undefined>();
  const [focusSourceOf, setFocusSourceOf] = useState<number>();
  const [announcement, setAnnouncement] = useState('');
  const [saveError, setSaveError] = useState<{ error: unknown; sent: RuleDraft[] }>();
  const [saving, setSaving] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [notice, setNotice] = useState<string>();

  const touched = () => {
    setSaveError(undefined);
    onDirtyChange?.(true);
  };
  const setRules = (next: RuleDraft[] | ((rs: RuleDraft[]) => RuleDraft[])) => {
    setRulesState(next);
    touched();
  };

  // The mapper writes JSON, XML or form fields; html and text need a hand-written body.
  const shownFormat: TemplateFormat = mode === 'mapper' ? mapperFormatOf(format) : format;
  const formatChoices = mode === 'mapper' ? formats.filter((f) => (MAPPER_FORMATS as readonly string[]).includes(f)) : formats;
  const live = useLivePreview({ mode, rules, body, format: shownFormat, input: previewInput(input) });
  const previewErrors = live.preview.error instanceof ApiError && live.preview.error.status === 400 ? live.preview.error.errors : [];
  const ruleErrors = merge(
    new Map(rules.map((r) => [r.id, ruleOf(r).problems])),
    errorsByRule(previewErrors, live.sent),
    saveError?.error instanceof ApiError ? errorsByRule(saveError.error.errors, saveError.sent) : new Map<number, Record<string, string[]>>(),
  );
  const renderProblems = bodyProblems(live.preview.error);
  const fieldErrors = (f: string) => (saveError?.error instanceof ApiError ? saveError.error.errorsFor(f) : []);
  const shownFields = (f: string) => ['name', 'description', 'format', 'eventTypes'].includes(f) || /^(mapping|rules)[[.]/.test(f);

  const addRuleFor = (path: string) => {
    setRules((rs) => [
      ...rs,
      newDraft({
        target: targetFor(
          path,
          rs.map((r) => r.target),
        ),
        source: path,
      }),
    ]);
    setAnnouncement(`Rule added for ${path}.`);
  };
  const pickField = (path: string) => {
    if (picking !== undefined) {
      const rule = rules.find((r) => r.id === picking);
      setRules((rs) => rs.map((r) => (r.id === picking ? { ...r, source: path, transform: r.transform === 'constant' ? 'none' : r.transform } : r)));
      setAnnouncement(`${path} is now the input field of ${rule?.target || 'the rule'}.`);
      setFocusSourceOf(picking);
      setPicking(undefined);
    } else addRuleFor(path);
  };
  const startPicking = (id: number | undefined) => {
    setPicking(id);
    setFocusSourceOf(undefined);
    // The field tree is in another panel: focus its first field, where the choice is made.
    if (id !== undefined) requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-tree .field-pick')?.focus());
  };

  const switchMode = async (next: 'mapper' | 'eta') => {
    if (next === mode) return;
    if (next === 'eta') {
      if (rules.length > 0) {
        setSwitching(true);
        try {
          setBody(await compileRules(rules, format));
          setNotice('The Eta template compiled from your rules is now yours to edit by hand. Saving it detaches the template from the rules.');
        } catch (e) {
          setSaveError({ error: e, sent: rules });
          setSwitching(false);
          return;
        }
        setSwitching(false);
      }
    } else {
      setFormat(mapperFormatOf(format));
      setNotice(
        body.trim()
          ? 'The Template Mapper writes JSON, XML or form fields from rules: saving replaces the hand-written body with the one compiled from the rules below.'
          : undefined,
      );
    }
    setMode(next);
    touched();
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    const sent = rules;
    const sampleInput = input.kind === 'custom' ? (previewInput(input) as { input?: Record<string, unknown> } | undefined)?.input : undefined;
    const content =
      mode === 'mapper'
        ? { mapping: rules.map((r) => ruleOf(r).rule), format: mapperFormatOf(format) }
        : { body, format, ...(template?.mapping?.length ? { mapping: null } : {}) };
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
      } else {
        const { mapping, ...rest } = common as Schemas['UpdateTemplateDto'];
        const create = { ...rest, name: common.name, ...(mapping ? { mapping } : {}) };
        saved = customerId
          ? await unwrap(api.POST('/customers/{customerId}/templates', { params: { path: { customerId } }, body: create }))
          : await unwrap(api.POST('/templates', { body: create }));
      }
      // A template's new version changes the configuration of the triggers that follow it.
      await Promise.all([queryClient.invalidateQueries({ queryKey: keys.templates }), queryClient.invalidateQueries({ queryKey: keys.customers })]);
      onDirtyChange?.(false);
      onSaved(saved, !template);
    } catch (err) {
      setSaveError({ error: err, sent });
    } finally {
      setSaving(false);
    }
  };

  const pickingRule = rules.find((r) => r.id === picking);
  return (
    <div className="workbench-form">
      <div className="form-grid">
        <Field label="Template name" required errors={fieldErrors('name')}>
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              touched();
            }}
          />
        </Field>
        <Field label="Description" hint="What it is for (optional)." errors={fieldErrors('description')}>
          <input
            value={description}
            onChange={(e) => {
              setDescription(e.target.value);
              touched();
            }}
          />
        </Field>
        <Field
          label="Format"
          hint={
            formats.includes('html')
              ? 'JSON, XML or a form (URL-encoded) for URL triggers; HTML or text for email bodies. The Template Mapper writes JSON, XML or form fields.'
              : 'URL triggers send JSON, XML or a form (URL-encoded).'
          }
          errors={fieldErrors('format')}
        >
          <select
            value={shownFormat}
            onChange={(e) => {
              setFormat(e.target.value as TemplateFormat);
              touched();
            }}
            disabled={formatChoices.length <= 1}
          >
            {formatChoices.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FieldSet legend="Suits these events" hint="For finding it later; any trigger may use it." errors={fieldErrors('eventTypes')}>
        <QueryState query={eventTypes} skeletonRows={2}>
          {(list) => (
            <div className="checkbox-grid">
              {list.map((t) => (
                <label key={t.type} className="checkbox">
                  <input
                    type="checkbox"
                    checked={types.includes(t.type)}
                    onChange={(e) => {
                      setTypes((ts) => (e.target.checked ? [...ts, t.type] : ts.filter((x) => x !== t.type)));
                      touched();
                    }}
                  />{' '}
                  {t.label}
                </label>
              ))}
            </div>
          )}
        </QueryState>
      </FieldSet>

      <div className="mode-switch" role="group" aria-label="How the template is written">
        <Button
          variant={mode === 'mapper' ? 'primary' : 'secondary'}
          aria-pressed={mode === 'mapper'}
          onClick={() => void switchMode('mapper')}
          disabled={switching}
        >
          Template Mapper
        </Button>
        <Button variant={mode === 'eta' ? 'primary' : 'secondary'} aria-pressed={mode === 'eta'} onClick={() => void switchMode('eta')} busy={switching}>
          Eta template
        </Button>
      </div>
      {notice && <Banner tone="info">{notice}</Banner>}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>

      <div className="workbench">
        <InputPanel
          choice={input}
          onChange={(c) => {
            setInput(c);
            touched();
          }}
          onPickField={pickField}
          pickingFor={picking !== undefined ? pickingRule?.target || 'the rule' : undefined}
          showFields={mode === 'mapper'}
        />
        <section className="panel" aria-labelledby="mapping-title">
          <h3 id="mapping-title">{mode === 'mapper' ? 'Mapping rules' : 'Eta template'}</h3>
          {mode === 'mapper' ? (
            <RuleList
              rules={rules}
              onChange={setRules}
              errors={ruleErrors}
              picking={picking}
              onPick={startPicking}
              onAddFromField={addRuleFor}
              focusSourceOf={focusSourceOf}
            />
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
                onChange={(b) => {
                  setBody(b);
                  touched();
                }}
                problems={[...renderProblems, ...bodyProblems(saveError?.error)]}
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
          format={shownFormat}
        />
      </div>
      <ErrorBanner error={saveError?.error} title="Not saved." shownFields={shownFields} />
      <div className="form-actions">
        <WriteButton variant="primary" busy={saving} onClick={() => void save()}>
          {submitLabel ?? (template ? 'Save as a new version' : 'Save template')}
        </WriteButton>
      </div>
    </div>
  );
}
