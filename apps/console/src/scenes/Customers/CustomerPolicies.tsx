import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { keys } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { Field } from '../../common/Field';
import { formatDuration } from '../../common/format';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';
import { useProfileCustomer } from './CustomerProfile';

/** The customer's delivery objective with how it is met, how long its delivery log is kept, and which parts of its events are personal data. */
export function CustomerPolicies() {
  const customer = useProfileCustomer();
  return (
    <div>
      {/* The report loads after the form is drawn: with a reserved height, nothing jumps. */}
      {customer.deliveryObjective && <SlaReport customerId={customer.id} />}
      <PoliciesForm />
    </div>
  );
}

function SlaReport({ customerId }: { customerId: string }) {
  const report = useQuery({
    queryKey: [...keys.customer(customerId), 'sla'],
    queryFn: () => unwrap(api.GET('/customers/{customerId}/sla', { params: { path: { customerId } } })),
    refetchInterval: 30_000,
  });
  return (
    <section aria-labelledby="sla-title" className="card sla-report">
      <h2 id="sla-title">Delivery objective</h2>
      <QueryState query={report}>
        {(r) => (
          <>
            <p>
              {r.objective.percent}% of live postbacks delivered within {r.objective.withinSeconds} s of the event, over {r.objective.windowMinutes} min:{' '}
              <strong>{r.current.compliancePercent === null ? 'nothing decided yet' : `${r.current.compliancePercent}%`}</strong>{' '}
              {r.current.met ? <span className="badge badge-success">met</span> : <span className="badge badge-danger">missed</span>}
            </p>
            <dl className="facts">
              <div>
                <dt>In time</dt>
                <dd>{r.current.withinObjective}</dd>
              </div>
              <div>
                <dt>Late</dt>
                <dd>{r.current.late}</dd>
              </div>
              <div>
                <dt>Failed</dt>
                <dd>{r.current.failed}</dd>
              </div>
              <div>
                <dt>Still retrying, not yet late</dt>
                <dd>{r.current.pending}</dd>
              </div>
            </dl>
            <h3>Earlier windows that missed it</h3>
            {r.breaches.length === 0 ? (
              <p className="muted">None in the last 24 windows.</p>
            ) : (
              <ul>
                {r.breaches.map((b) => (
                  <li key={b.from}>
                    <Time iso={b.from} /> to <Time iso={b.to} />: {b.compliancePercent}% of {b.decided}
                  </li>
                ))}
              </ul>
            )}
            {r.missed.length > 0 && (
              <>
                <h3>Missed in this window</h3>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Delivery</th>
                      <th scope="col">Event</th>
                      <th scope="col">Status</th>
                      <th scope="col">Event to delivered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.missed.map((m) => (
                      <tr key={m.deliveryId}>
                        <td>
                          <Link to={`/deliveries/${m.deliveryId}`}>
                            <code>{m.deliveryId}</code>
                          </Link>
                        </td>
                        <td>
                          {m.eventType}, order {m.orderId}
                        </td>
                        <td>
                          <StatusBadge status={m.status} />
                        </td>
                        <td>{m.endToEndMs === null ? '—' : formatDuration(m.endToEndMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}

const numberOrNull = (v: string): number | null => (v.trim() === '' ? null : Number(v));

function PoliciesForm() {
  const customer = useProfileCustomer();
  const queryClient = useQueryClient();
  const o = customer.deliveryObjective;
  const [objective, setObjective] = useState({
    on: o !== null,
    percent: String(o?.percent ?? 99),
    withinSeconds: String(o?.withinSeconds ?? 60),
    windowMinutes: String(o?.windowMinutes ?? 60),
  });
  const [retention, setRetention] = useState({
    deliveries: customer.retentionDeliveriesDays === null ? '' : String(customer.retentionDeliveriesDays),
    payloads: customer.retentionPayloadsDays === null ? '' : String(customer.retentionPayloadsDays),
  });
  const [ownPaths, setOwnPaths] = useState(customer.piiPaths !== null);
  const [paths, setPaths] = useState((customer.piiPaths ?? []).join('\n'));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const errorsFor = (f: string) => (error instanceof ApiError ? error.errorsFor(f) : []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    const body = {
      deliveryObjective: objective.on
        ? { percent: Number(objective.percent), withinSeconds: Number(objective.withinSeconds), windowMinutes: Number(objective.windowMinutes) }
        : null,
      retentionDeliveriesDays: numberOrNull(retention.deliveries),
      retentionPayloadsDays: numberOrNull(retention.payloads),
      piiPaths: ownPaths
        ? paths
            .split('\n')
            .map((p) => p.trim())
            .filter(Boolean)
        : null,
    };
    unwrap(api.PATCH('/customers/{customerId}', { params: { path: { customerId: customer.id } }, body }))
      .then(async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: keys.customer(customer.id) });
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      {saved && <Banner tone="success">Saved.</Banner>}
      <h2>Delivery objective</h2>
      <label className="checkbox">
        <input type="checkbox" checked={objective.on} onChange={(e) => setObjective((x) => ({ ...x, on: e.target.checked }))} /> Measure a delivery objective
        for this customer (alerted when missed)
      </label>
      {objective.on && (
        <div className="field-row">
          <Field label="Share in time (%)" errors={errorsFor('deliveryObjective.percent')}>
            <input inputMode="decimal" value={objective.percent} onChange={(e) => setObjective((x) => ({ ...x, percent: e.target.value }))} />
          </Field>
          <Field label="Within (seconds of the event)" errors={errorsFor('deliveryObjective.withinSeconds')}>
            <input inputMode="numeric" value={objective.withinSeconds} onChange={(e) => setObjective((x) => ({ ...x, withinSeconds: e.target.value }))} />
          </Field>
          <Field label="Over (minutes)" errors={errorsFor('deliveryObjective.windowMinutes')}>
            <input inputMode="numeric" value={objective.windowMinutes} onChange={(e) => setObjective((x) => ({ ...x, windowMinutes: e.target.value }))} />
          </Field>
        </div>
      )}
      <h2>Retention</h2>
      <p className="muted">
        Empty: the platform&apos;s periods. After its period a delivery leaves the log; after the payload period its event is removed and it can no longer be
        replayed.
      </p>
      <div className="field-row">
        <Field label="Keep deliveries (days)" errors={errorsFor('retentionDeliveriesDays')}>
          <input inputMode="numeric" value={retention.deliveries} onChange={(e) => setRetention((x) => ({ ...x, deliveries: e.target.value }))} />
        </Field>
        <Field label="Keep event payloads (days)" errors={errorsFor('retentionPayloadsDays')}>
          <input inputMode="numeric" value={retention.payloads} onChange={(e) => setRetention((x) => ({ ...x, payloads: e.target.value }))} />
        </Field>
      </div>
      <h2>Personal data</h2>
      <label className="checkbox">
        <input type="checkbox" checked={ownPaths} onChange={(e) => setOwnPaths(e.target.checked)} /> This customer&apos;s events have their own personal data
        paths (otherwise the platform&apos;s default)
      </label>
      {ownPaths && (
        <Field
          label="Paths of personal data, one per line"
          hint="Dotted paths into the order event, * for any key or list element, e.g. data.shippingAddress or data.items.*.name. Masked as *** wherever people read stored data; the postback itself is sent in full."
          errors={errorsFor('piiPaths')}
        >
          <textarea rows={4} value={paths} onChange={(e) => setPaths(e.target.value)} spellCheck={false} />
        </Field>
      )}
      <ErrorBanner
        error={error}
        title="Not saved."
        shownFields={(f) => f.startsWith('deliveryObjective') || f.startsWith('retention') || f.startsWith('piiPaths')}
      />
      <WriteButton type="submit" variant="primary" busy={busy}>
        Save
      </WriteButton>
    </form>
  );
}
