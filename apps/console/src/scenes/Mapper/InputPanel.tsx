import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys, useEventTypes, type OrderEventType } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { Button } from '../../common/Button';
import { CodeEditor } from '../../common/CodeEditor';
import { Field, FieldSet } from '../../common/Field';
import { Skeleton } from '../../common/QueryState';
import { useDebounced } from '../../common/useDebounced';
import { FieldTree } from './FieldTree';
import { fieldTree, parseJsonObject } from './mapping';

export interface InputChoice {
  kind: 'sample' | 'custom';
  eventType: OrderEventType;
  customText: string;
}

/**
 * The input to map from (the guide: "use sample payloads or input custom data"): a sample event of
 * a type, or custom JSON; and its fields as a tree, to map by clicking or dragging.
 */
export function InputPanel({
  choice,
  onChange,
  onPickField,
  pickingFor,
  showFields,
}: {
  choice: InputChoice;
  onChange: (c: InputChoice) => void;
  onPickField: (path: string) => void;
  pickingFor?: string;
  showFields: boolean;
}) {
  const eventTypes = useEventTypes();
  const sample = useQuery({
    queryKey: keys.sample(choice.eventType),
    queryFn: () => unwrap(api.GET('/event-types/{type}/sample', { params: { path: { type: choice.eventType } } })),
    staleTime: Infinity,
  });
  const customText = useDebounced(choice.customText, 400);
  const parsed = choice.kind === 'custom' ? parseJsonObject(choice.customText) : {};
  const settledParsed = choice.kind === 'custom' ? parseJsonObject(customText) : {};
  const fields = useQuery({
    queryKey: ['mapper-fields', choice.kind === 'sample' ? choice.eventType : customText],
    queryFn: () =>
      unwrap(
        api.POST('/mapper/fields', {
          body: choice.kind === 'sample' ? { eventType: choice.eventType } : { input: settledParsed.value as Record<string, unknown> },
        }),
      ),
    enabled: showFields && (choice.kind === 'sample' || !!settledParsed.value),
    staleTime: Infinity,
  });
  const sampleText = sample.data ? JSON.stringify(sample.data, null, 2) : '';

  return (
    <section className="panel" aria-labelledby="input-title">
      <h3 id="input-title">Input</h3>
      <FieldSet legend="Render with">
        <label className="radio">
          <input type="radio" name="input-kind" checked={choice.kind === 'sample'} onChange={() => onChange({ ...choice, kind: 'sample' })} /> A sample payload
        </label>
        <label className="radio">
          <input
            type="radio"
            name="input-kind"
            checked={choice.kind === 'custom'}
            onChange={() => onChange({ ...choice, kind: 'custom', customText: choice.customText || sampleText })}
          />{' '}
          Custom input
        </label>
      </FieldSet>
      {choice.kind === 'sample' ? (
        <>
          <Field label="Sample of event type">
            <select value={choice.eventType} onChange={(e) => onChange({ ...choice, eventType: e.target.value as OrderEventType })}>
              {(eventTypes.data ?? [{ type: choice.eventType, label: choice.eventType }]).map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
          {sample.data ? (
            <CodeEditor language="json" label={`Sample ${choice.eventType} event`} value={sampleText} readOnly height="14rem" />
          ) : sample.error ? (
            <ErrorBanner error={sample.error} title="The sample could not be loaded." />
          ) : (
            <Skeleton rows={5} height="14.75rem" />
          )}
          <Button onClick={() => onChange({ ...choice, kind: 'custom', customText: sampleText })} disabled={!sample.data}>
            Edit a copy as custom input
          </Button>
        </>
      ) : (
        <>
          <CodeEditor
            language="json"
            label="Custom input (JSON)"
            value={choice.customText}
            onChange={(text) => onChange({ ...choice, customText: text })}
            problems={parsed.problem ? [{ line: parsed.problem.line, column: parsed.problem.column, message: parsed.problem.message }] : []}
            height="14rem"
          />
          {parsed.problem && (
            <Banner tone="error" title="The custom input is not valid JSON.">
              {parsed.problem.message} (line {parsed.problem.line})
            </Banner>
          )}
        </>
      )}
      {showFields && (
        <div className="fields">
          <h4>
            Fields{' '}
            {pickingFor ? <span className="muted">— pick one for {pickingFor}</span> : <span className="muted">— click to map, or drag onto a rule</span>}
          </h4>
          <div className="field-tree-box">
            {fields.data ? (
              <FieldTree nodes={fieldTree(fields.data.fields)} onPick={onPickField} pickingFor={pickingFor} />
            ) : fields.error ? (
              <ErrorBanner error={fields.error} title="The input's fields could not be listed." />
            ) : choice.kind === 'custom' && !settledParsed.value ? (
              <p className="muted">The fields appear once the custom input is valid JSON.</p>
            ) : (
              <Skeleton rows={8} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/** The preview's `input` for a choice, or undefined while custom JSON does not parse. */
export function previewInput(choice: InputChoice): { eventType: OrderEventType } | { input: Record<string, unknown> } | undefined {
  if (choice.kind === 'sample') return { eventType: choice.eventType };
  const { value } = parseJsonObject(choice.customText);
  return value ? { input: value } : undefined;
}
