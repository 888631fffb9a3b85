import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { keys, type Trigger } from '../../api/queries';
import { ErrorBanner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { Field } from '../../common/Field';
import { fromLocalInput, toLocalInput } from '../../common/format';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

type Backfill = Schemas['BackfillDto'];
type Action = 'pause' | 'resume' | 'cancel';

const DAY_MS = 24 * 3600 * 1000;

/** A trigger's backfills, polled while one of them is running (under the trigger's key, so a change to it refreshes them). */
function useBackfills(customerId: string, triggerId: string) {
  return useQuery({
    queryKey: [...keys.trigger(customerId, triggerId), 'backfills'],
    queryFn: () => unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}/backfills', { params: { path: { customerId, triggerId } } })),
    refetchInterval: (q) => (q.state.data?.some((b) => b.status === 'running') ? 1000 : 10_000),
  });
}

/**
 * Backfill: routes a time range of the order stream through the trigger's live revision again, so
 * a trigger added today gets last week's events; the list shows each backfill's progress, with
 * pause, resume and cancel.
 */
export function TriggerBackfills({ trigger: t }: { trigger: Trigger }) {
  const now = new Date();
  const [from, setFrom] = useState(toLocalInput(new Date(now.getTime() - 7 * DAY_MS)));
  const [to, setTo] = useState(toLocalInput(now));
  const [redeliver, setRedeliver] = useState(false);
  const [rate, setRate] = useState('200');
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const backfills = useBackfills(t.customerId, t.id);
  const queryClient = useQueryClient();
  const path = { customerId: t.customerId, triggerId: t.id };
  const live = t.status === 'active' && t.liveRevision !== null;
  const fieldErrors = (field: string) => (error instanceof ApiError ? error.errorsFor(field) : []);

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    setError(undefined);
    try {
      await fn();
      await queryClient.invalidateQueries({ queryKey: [...keys.trigger(t.customerId, t.id), 'backfills'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const start = () =>
    run('start', () =>
      unwrap(
        api.POST('/customers/{customerId}/triggers/{triggerId}/backfills', {
          params: { path },
          body: { from: fromLocalInput(from) ?? '', to: fromLocalInput(to) ?? '', redeliver, ratePerSecond: Number(rate) },
        }),
      ),
    );
  const act = (b: Backfill, action: Action) => {
    const params = { path: { ...path, backfillId: b.id } };
    return run(`${action}:${b.id}`, () =>
      unwrap(
        action === 'pause'
          ? api.POST('/customers/{customerId}/triggers/{triggerId}/backfills/{backfillId}/pause', { params })
          : action === 'resume'
            ? api.POST('/customers/{customerId}/triggers/{triggerId}/backfills/{backfillId}/resume', { params })
            : api.POST('/customers/{customerId}/triggers/{triggerId}/backfills/{backfillId}/cancel', { params }),
      ),
    );
  };

  return (
    <section aria-labelledby="backfill-title">
      <h2 id="backfill-title">Backfill</h2>
      <p>
        Sends this trigger the order events of a past time range that it has not delivered, read again from the order stream (as far back as the stream keeps
        them), with the live revision and the same delivery ids (webhook-id) as live postbacks. Events already delivered are left out unless you ask for them
        again.
      </p>
      <div className="filters">
        <Field label="From" errors={fieldErrors('from')}>
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To" errors={fieldErrors('to')} hint="A time in the future is taken as now.">
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <Field label="Rate (postbacks per second)" errors={fieldErrors('ratePerSecond')}>
          <input type="number" min={1} max={5000} value={rate} onChange={(e) => setRate(e.target.value)} />
        </Field>
        <Field label="Send already delivered events again">
          <input type="checkbox" checked={redeliver} onChange={(e) => setRedeliver(e.target.checked)} />
        </Field>
        <div className="filter-actions">
          <WriteButton
            variant="primary"
            busy={busy === 'start'}
            disabled={!live}
            title={live ? undefined : 'A backfill sends through an active trigger with a live revision.'}
            onClick={() => void start()}
          >
            Start backfill
          </WriteButton>
        </div>
      </div>
      <ErrorBanner error={error} />
      <QueryState query={backfills} isEmpty={(l) => l.length === 0} empty={<p>No backfills yet.</p>}>
        {(list) => (
          <table className="table">
            <caption className="visually-hidden">Backfills</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Range</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Sent / already delivered</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.id}>
                  <td>
                    <Time iso={b.createdAt} /> by {b.createdBy}
                  </td>
                  <td>
                    <Time iso={b.from} /> – <Time iso={b.to} />
                    {b.redeliver && ' (redeliver)'}, {b.ratePerSecond}/s
                  </td>
                  <td>
                    <StatusBadge status={b.status} />
                    {b.error && <p className="hint">{b.error}</p>}
                  </td>
                  <td className="replay-progress">
                    <progress
                      max={Math.max(b.total, 1)}
                      value={b.total === 0 ? (b.status === 'completed' ? 1 : 0) : b.read}
                      aria-label={`Backfill ${b.id} progress`}
                    />
                    {b.read} of {b.total} records read
                  </td>
                  <td>
                    {b.produced} / {b.alreadyDelivered}
                  </td>
                  <td>
                    {b.status === 'running' && (
                      <WriteButton busy={busy === `pause:${b.id}`} onClick={() => void act(b, 'pause')}>
                        Pause
                      </WriteButton>
                    )}
                    {b.status === 'paused' && (
                      <WriteButton busy={busy === `resume:${b.id}`} onClick={() => void act(b, 'resume')}>
                        Resume
                      </WriteButton>
                    )}
                    {(b.status === 'running' || b.status === 'paused') && (
                      <WriteButton variant="danger" busy={busy === `cancel:${b.id}`} onClick={() => void act(b, 'cancel')}>
                        Cancel
                      </WriteButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
