import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys, useCustomer, useTemplate } from '../../api/queries';
import { Banner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { PageHeader, type Crumb } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { TemplateWorkbench } from '../Mapper/TemplateWorkbench';

/** Add Template, or edit one: the Template Mapper and the preview, in the Templates section or under a customer. */
export function TemplateEditor() {
  const { templateId, customerId } = useParams();
  const template = useTemplate(templateId);
  const customer = useCustomer(customerId ?? '');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const location = useLocation();
  const [savedHere, setSavedHere] = useState<{ at: string; text: string }>();
  // A notice handed over by the page that navigated here (Add Template → the new template's page).
  const handed = (location.state as { saved?: string } | null)?.saved;
  const saved = savedHere?.at === location.key ? savedHere.text : handed;
  const [deleting, setDeleting] = useState(false);
  const base = customerId ? `/customers/${encodeURIComponent(customerId)}/templates` : '/templates';
  const crumbs: Crumb[] = customerId
    ? [
        { label: 'Customers', to: '/customers' },
        { label: customer.data?.name ?? customerId, to: `/customers/${encodeURIComponent(customerId)}/templates` },
        { label: templateId ? (template.data?.name ?? 'Template') : 'Add Template' },
      ]
    : [{ label: 'Templates', to: '/templates' }, { label: templateId ? (template.data?.name ?? 'Template') : 'Add Template' }];

  if (!templateId) {
    return (
      <>
        <PageHeader title="Add Template" crumbs={crumbs} />
        <TemplateWorkbench
          customerId={customerId}
          onSaved={(t) => {
            void navigate(`${base}/${t.id}`, { state: { saved: `Template saved (version ${t.latestVersion}).` } });
          }}
        />
      </>
    );
  }

  return (
    <QueryState query={template}>
      {(t) => (
        <>
          <PageHeader
            title={t.name}
            crumbs={crumbs}
            actions={
              <>
                <Link className="btn btn-secondary" to={`/templates/${t.id}/versions`}>
                  Versions (v{t.latestVersion})
                </Link>
                <WriteButton variant="danger" onClick={() => setDeleting(true)}>
                  Delete
                </WriteButton>
              </>
            }
          >
            <p className="subtitle">
              <code>{t.id}</code> · {t.customerId ? <>only for customer {t.customerId}</> : 'for every customer'} · version {t.latestVersion}
            </p>
          </PageHeader>
          {saved && <Banner tone="success">{saved}</Banner>}
          <TemplateWorkbench
            key={t.id}
            template={t}
            onSaved={(s) => {
              setSavedHere({
                at: location.key,
                text:
                  s.latestVersion === t.latestVersion
                    ? 'Saved; nothing in the body, rules or input changed, so no new version.'
                    : `Saved as version ${s.latestVersion}.`,
              });
              document.querySelector<HTMLElement>('main h1')?.focus();
            }}
          />
          <ConfirmDialog
            open={deleting}
            title={`Delete the template “${t.name}”?`}
            confirmLabel="Delete template"
            onClose={() => setDeleting(false)}
            onConfirm={async () => {
              await unwrap(api.DELETE('/templates/{templateId}', { params: { path: { templateId: t.id } } }));
              queryClient.removeQueries({ queryKey: keys.template(t.id) });
              void navigate(base);
              await queryClient.invalidateQueries({ queryKey: keys.templates });
            }}
          >
            <p>The template and all its versions will be removed. A template that triggers still use cannot be deleted: switch those triggers first.</p>
          </ConfirmDialog>
        </>
      )}
    </QueryState>
  );
}
