import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../../api/client';
import { useTemplates, type TemplateSummary } from '../../../../api/queries';
import { ErrorBanner } from '../../../../common/Banner';
import { Button } from '../../../../common/Button';
import { CodeEditor } from '../../../../common/CodeEditor';
import { FieldSet } from '../../../../common/Field';
import { QueryState, Skeleton } from '../../../../common/QueryState';
import { TemplateWorkbench } from '../../../Mapper/TemplateWorkbench';
import type { StepProps } from './step-props';

/** Pick a template (the customer's own or a global one), or create one here with the Template Mapper. */
export function TemplateStep({
  form,
  update,
  errorsFor,
  customerId,
  creating,
  onCreating,
  onTemplateDirty,
}: StepProps & { creating: boolean; onCreating: (creating: boolean) => void; onTemplateDirty: (dirty: boolean) => void }) {
  const own = useTemplates(customerId, 0, 200);
  const global = useTemplates('global', 0, 200);
  // URL triggers send JSON, XML or a form; email takes every format.
  const usable = (t: TemplateSummary) => form.channel === 'email' || t.format === 'json' || t.format === 'xml' || t.format === 'form';
  const eventType = form.eventTypes[0] ?? 'order.shipped';
  const preview = useQuery({
    queryKey: ['preview', 'saved', form.templateId, eventType],
    queryFn: () => unwrap(api.POST('/templates/{templateId}/preview', { params: { path: { templateId: form.templateId } }, body: { eventType } })),
    enabled: !!form.templateId && !creating,
    retry: false,
  });
  const missing = errorsFor('templateId');

  if (creating) {
    return (
      <>
        <h2 tabIndex={-1}>Create the template</h2>
        <p>
          Name it, start from the sample payload of <strong>{eventType}</strong> (or your own input), map the fields you need with the Template Mapper, and
          check the rendered output.
        </p>
        {missing.length > 0 && <ErrorBanner error={new Error(missing.map((e) => e.message).join(' '))} title="A template is needed." />}
        <TemplateWorkbench
          customerId={customerId}
          eventType={eventType}
          formats={form.channel === 'http' ? ['json', 'xml', 'form'] : ['json', 'xml', 'form', 'html', 'text']}
          submitLabel="Save template and use it"
          onDirtyChange={onTemplateDirty}
          onSaved={(t) => {
            update({ templateId: t.id, templateVersion: null });
            onCreating(false);
          }}
        />
        <Button
          onClick={() => {
            if (window.confirm('Go back to the template list? The template you are creating is not saved.')) onCreating(false);
          }}
        >
          Back to the template list
        </Button>
      </>
    );
  }

  const group = (title: string, items: TemplateSummary[]) =>
    items.filter(usable).length > 0 ? (
      <div className="template-choices">
        <h3>{title}</h3>
        {items.filter(usable).map((t) => (
          <label key={t.id} className="radio radio-card">
            <input type="radio" name="template" checked={form.templateId === t.id} onChange={() => update({ templateId: t.id, templateVersion: null })} />
            <span>
              <strong>{t.name}</strong>{' '}
              <span className="muted">
                {t.format.toUpperCase()} · v{t.latestVersion}
                {form.templateId === t.id && form.templateVersion ? ` · pinned to v${form.templateVersion}` : ''}
              </span>
              {t.description && <span className="hint">{t.description}</span>}
            </span>
          </label>
        ))}
      </div>
    ) : null;

  return (
    <>
      <h2 tabIndex={-1}>Configure the template</h2>
      <p>If a template has already been created, select it. Otherwise create a new one here.</p>
      <Button variant="primary" onClick={() => onCreating(true)}>
        Create a new template with the Template Mapper
      </Button>
      <FieldSet legend="Or use an existing template" errors={missing}>
        <QueryState query={own} skeletonRows={2}>
          {(ownPage) => (
            <QueryState query={global} skeletonRows={2}>
              {(globalPage) => (
                <>
                  {group("This customer's templates", ownPage.items)}
                  {group('Templates for every customer', globalPage.items)}
                  {!ownPage.items.some(usable) && !globalPage.items.some(usable) && (
                    <p>No {form.channel === 'http' ? 'JSON, XML or form ' : ''}templates yet: create one.</p>
                  )}
                </>
              )}
            </QueryState>
          )}
        </QueryState>
      </FieldSet>
      {form.templateId && (
        <section aria-labelledby="template-preview-title">
          <h3 id="template-preview-title">Preview with the {eventType} sample</h3>
          {preview.isPending ? (
            <Skeleton rows={4} height="14.75rem" />
          ) : preview.error ? (
            <ErrorBanner error={preview.error} title="This template does not render the sample." />
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
