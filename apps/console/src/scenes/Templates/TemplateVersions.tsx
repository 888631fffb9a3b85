import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys, useTemplate, useTemplateVersions } from '../../api/queries';
import { Banner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { DiffView } from '../../common/DiffView';
import { Field } from '../../common/Field';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { Time } from '../../common/Time';

/** Every version of a template: what changed between any two, and restore (an old version copied as the newest). */
export function TemplateVersions() {
  const { templateId = '' } = useParams();
  const template = useTemplate(templateId);
  const versions = useTemplateVersions(templateId);
  const queryClient = useQueryClient();
  const [a, setA] = useState<number>();
  const [b, setB] = useState<number>();
  const [restoring, setRestoring] = useState<number>();
  const [restored, setRestored] = useState<string>();
  const editorUrl = template.data?.customerId
    ? `/customers/${encodeURIComponent(template.data.customerId)}/templates/${templateId}`
    : `/templates/${templateId}`;

  return (
    <QueryState query={versions}>
      {(list) => {
        const newest = list[list.length - 1]?.version ?? 1;
        const left = list.find((v) => v.version === (a ?? Math.max(1, newest - 1)));
        const right = list.find((v) => v.version === (b ?? newest));
        return (
          <>
            <PageHeader
              title={`Versions of ${template.data?.name ?? templateId}`}
              crumbs={[{ label: 'Templates', to: '/templates' }, { label: template.data?.name ?? templateId, to: editorUrl }, { label: 'Versions' }]}
            />
            {restored && <Banner tone="success">{restored}</Banner>}
            <table className="table">
              <caption className="visually-hidden">Versions</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Saved</th>
                  <th scope="col">Made with</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...list].reverse().map((v) => (
                  <tr key={v.version}>
                    <td>
                      v{v.version}
                      {v.version === newest && <span className="muted"> (current)</span>}
                    </td>
                    <td>
                      <Time iso={v.createdAt} />
                    </td>
                    <td>{v.mapping?.length ? `Template Mapper (${v.mapping.length} rules)` : 'Eta, by hand'}</td>
                    <td>
                      {v.version !== newest && (
                        <WriteButton onClick={() => setRestoring(v.version)} aria-label={`Restore version ${v.version}`}>
                          Restore
                        </WriteButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>Compare</h2>
            {list.length < 2 ? (
              <p>There is only one version so far.</p>
            ) : (
              <>
                <div className="toolbar">
                  <Field label="Older">
                    <select value={left?.version} onChange={(e) => setA(Number(e.target.value))}>
                      {list.map((v) => (
                        <option key={v.version} value={v.version}>
                          v{v.version}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field label="Newer">
                    <select value={right?.version} onChange={(e) => setB(Number(e.target.value))}>
                      {list.map((v) => (
                        <option key={v.version} value={v.version}>
                          v{v.version}
                        </option>
                      ))}
                    </select>
                  </Field>
                </div>
                {left && right && <DiffView a={left.body} b={right.body} labelA={`Version ${left.version}`} labelB={`Version ${right.version}`} />}
              </>
            )}
            <ConfirmDialog
              open={restoring !== undefined}
              danger={false}
              title={`Restore version ${restoring}?`}
              confirmLabel="Restore"
              onClose={() => setRestoring(undefined)}
              onConfirm={async () => {
                const t = await unwrap(
                  api.POST('/templates/{templateId}/versions/{version}/restore', { params: { path: { templateId, version: restoring ?? 1 } } }),
                );
                await queryClient.invalidateQueries({ queryKey: keys.templates });
                setRestored(`Version ${restoring} is now the current one, as version ${t.latestVersion}.`);
              }}
            >
              <p>
                Its body, rules and input are copied as a new version; nothing is deleted. Triggers that follow the latest version send it from the next event.
              </p>
            </ConfirmDialog>
          </>
        );
      }}
    </QueryState>
  );
}
