import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { PAGE_SIZE, useTriggerRevisions, type Trigger, type TriggerRevision } from '../../api/queries';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { WriteButton } from '../../common/Button';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { Time } from '../../common/Time';

/** A trigger's history: every revision, who made it and what changed; restore one, or roll back to a tested one at once. */
export function TriggerRevisions({ trigger: t, onChanged }: { trigger: Trigger; onChanged: () => Promise<unknown> }) {
  const [offset, setOffset] = useState(0);
  const revisions = useTriggerRevisions(t.customerId, t.id, offset);
  const [restoring, setRestoring] = useState<{ revision: TriggerRevision; activate: boolean }>();
  const path = { customerId: t.customerId, triggerId: t.id };
  return (
    <section aria-labelledby="revisions-title">
      <h2 id="revisions-title">Revisions</h2>
      <p>Every change is a new revision; none is ever changed. Live order events use the live revision until a newer one passes a test and is activated.</p>
      <QueryState query={revisions}>
        {(page) => (
          <>
            <table className="table">
              <caption className="visually-hidden">Revisions of {t.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Revision</th>
                  <th scope="col">Changed</th>
                  <th scope="col">What changed</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((r) => (
                  <tr key={r.number}>
                    <td>
                      {r.number} <span className="muted small">({r.source})</span>
                    </td>
                    <td>
                      <Time iso={r.createdAt} /> <span className="muted small">by {r.createdBy}</span>
                    </td>
                    <td className="wrap-anywhere">
                      {r.changes.length === 0 ? (
                        <span className="muted">no setting changed{r.templateVersion !== null ? ` (template version ${r.templateVersion})` : ''}</span>
                      ) : (
                        <ul className="change-list">
                          {r.changes.map((c) => (
                            <li key={c.field}>
                              <strong>{FIELD_LABELS[c.field] ?? c.field}</strong>: {show(c.field, c.from)} → {show(c.field, c.to)}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      {r.live && <strong>Live</strong>}
                      {r.draft && <strong>Waiting for a test</strong>}
                      {r.testedAt && (
                        <div className="muted small">
                          tested <Time iso={r.testedAt} />
                        </div>
                      )}
                      {r.activatedAt && (
                        <div className="muted small">
                          went live <Time iso={r.activatedAt} />
                        </div>
                      )}
                    </td>
                    <td>
                      {!r.live && !r.draft && (
                        <div className="toolbar">
                          <WriteButton onClick={() => setRestoring({ revision: r, activate: false })}>Restore</WriteButton>
                          {r.activatedAt && r.testedAt && (
                            <WriteButton onClick={() => setRestoring({ revision: r, activate: true })}>Roll back to this</WriteButton>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={offset} limit={PAGE_SIZE} total={page.total} onChange={setOffset} label="Revisions" />
          </>
        )}
      </QueryState>
      <ConfirmDialog
        open={!!restoring}
        danger={!!restoring?.activate}
        title={restoring?.activate ? `Roll back to revision ${restoring.revision.number}?` : `Restore revision ${restoring?.revision.number ?? ''}?`}
        confirmLabel={restoring?.activate ? 'Roll back now' : 'Restore as a draft'}
        onClose={() => setRestoring(undefined)}
        onConfirm={async () => {
          if (!restoring) return;
          await unwrap(
            api.POST('/customers/{customerId}/triggers/{triggerId}/revisions/{number}/restore', {
              params: { path: { ...path, number: restoring.revision.number } },
              body: { activate: restoring.activate },
            }),
          );
          setRestoring(undefined);
          await onChanged();
        }}
      >
        {restoring?.activate ? (
          <p>Its settings go live at once, with the template version it went live with before: it passed a test then. The rollback is recorded.</p>
        ) : (
          <p>Its settings become a new revision that waits for a test; live order events are not affected until you test and activate it.</p>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** The settings as the trigger page names them. */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  eventTypes: 'Events',
  url: 'URL',
  method: 'Method',
  format: 'Format',
  headers: 'Extra headers',
  retryOnFailure: 'Retry on failure',
  maxAttempts: 'Attempts',
  timeoutMs: 'Timeout (ms)',
  ordering: 'Order of postbacks',
  orderingMaxWaitSeconds: 'Stop waiting after (s)',
  orderingMaxQueued: 'Stop waiting after (queued)',
  outOfOrder: 'Out-of-order events',
  templateId: 'Template',
  templateVersion: 'Template version',
  email: 'Email',
  outputSchema: 'Output contract',
};

function show(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  // Header values can be credentials: like the trigger page, name them only.
  if (field === 'headers' && typeof value === 'object') return Object.keys(value).join(', ') || '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
