import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError, unwrap } from '../../../../api/client';
import { useTemplates, type TemplateSummary } from '../../../../api/queries';
import { Banner } from '../../../../common/Banner';
import { Button } from '../../../../common/Button';
import { CodeEditor } from '../../../../common/CodeEditor';
import { FieldSet } from '../../../../common/Field';
import { Skeleton } from '../../../../common/QueryState';
import { TemplateWorkbench } from '../../../Mapper/TemplateWorkbench';
import type { StepProps } from './step-props';

/** Pick a template (the customer's own or a global one), or create one here with the Template Mapper. */
export function TemplateStep({ form, update, errorsFor, customerId }: StepProps) {
  const own = useTemplates(customerId, 0, 100);
  const global = useTemplates('global', 0, 100);
  const [creating, setCreating] = useState(false);
  const usable = (t: TemplateSummary) => form.channel === 'email' || t.format === 'json';
  const eventType = form.eventTypes[0] ?? 'order.shipped';
  const preview = useQuery({
    queryKey: ['preview', 'saved', form.templateId, eventType],
    queryFn: () => unwrap(api.POST('/templates/{templateId}/preview', { params: { path: { templateId: form.templateId } }, body: { eventType } })),
    enabled: !!form.templateId && !creating,
    retry: false,
  });

  if (creating) {
    return (
      <>
        <h2>Create the template</h2>
        <p>
          Name it, start from the sample payload of <strong>{eventType}</strong> (or your own input), map the fields you need with the Template Mapper, and
          check the rendered output.
        </p>
        <TemplateWorkbench
          customerId={customerId}
          eventType={eventType}
          formats={form.channel === 'http' ? ['json'] : ['json', 'html', 'text']}
          submitLabel="Save template and use it"
          onSaved={(t) => {
            update({ templateId: t.id });
            setCreating(false);
          }}
        />
        <Button onClick={() => setCreating(false)}>Back to the template list</Button>
      </>
    );
  }

  const group = (title: string, items: TemplateSummary[] | undefined) =>
    items && items.filter(usable).length > 0 ? (
      <div className="template-choices">
        <h3>{title}</h3>
        {items.filter(usable).map((t) => (
          <label key={t.id} className="radio radio-card">
            <input type="radio" name="template" checked={form.templateId === t.id} onChange={() => update({ templateId: t.id })} />
            <span>
              <strong>{t.name}</strong>{' '}
              <span className="muted">
                {t.format.toUpperCase()} · v{t.latestVersion}
              </span>
              {t.description && <span className="hint">{t.description}</span>}
            </span>
          </label>
        ))}
      </div>
    ) : null;

  return (
    <>
      <h2>Configure the template</h2>
      <p>If a template has already been created, select it. Otherwise create a new one here.</p>
      <Button variant="primary" onClick={() => setCreating(true)}>
        Create a new template with the Template Mapper
      </Button>
      <FieldSet legend="Or use an existing template" errors={errorsFor('templateId')}>
        {own.isPending || global.isPending ? (
          <Skeleton rows={4} />
        ) : (
          <>
            {group("This customer's templates", own.data?.items)}
            {group('Templates for every customer', global.data?.items)}
            {!own.data?.items.some(usable) && !global.data?.items.some(usable) && <p>No {form.channel === 'http' ? 'JSON ' : ''}templates yet: create one.</p>}
          </>
        )}
      </FieldSet>
      {form.templateId && (
        <section aria-labelledby="template-preview-title">
          <h3 id="template-preview-title">Preview with the {eventType} sample</h3>
          {preview.isPending ? (
            <Skeleton rows={4} />
          ) : preview.error ? (
            <Banner tone="error">This template does not render the sample: {describeError(preview.error)}</Banner>
          ) : (
            <CodeEditor
              language={preview.data?.contentType.includes('json') ? 'json' : 'text'}
              value={preview.data?.output ?? ''}
              readOnly
              label="Rendered preview of the chosen template"
              height="14rem"
            />
          )}
        </section>
      )}
    </>
  );
}
