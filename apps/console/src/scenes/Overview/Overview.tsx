import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/queries';
import { Field } from '../../common/Field';
import { OutcomeChart } from '../../common/OutcomeChart';
import { PageHeader } from '../../common/PageHeader';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

/** How postbacks are doing: outcomes over the last hour or day, the triggers failing most, dead letters, and the platform's health. */
export function Overview() {
  const [window, setWindow] = useState<'1h' | '24h'>('1h');
  const stats = useQuery({
    queryKey: [...keys.stats, 'deliveries', window],
    queryFn: () => unwrap(api.GET('/stats/deliveries', { params: { query: { window } } })),
    refetchInterval: 10_000,
  });
  const failing = useQuery({
    queryKey: [...keys.stats, 'failing', window],
    queryFn: () => unwrap(api.GET('/stats/failing-triggers', { params: { query: { window, limit: 5 } } })),
    refetchInterval: 10_000,
  });
  const platform = useQuery({ queryKey: keys.platform, queryFn: () => unwrap(api.GET('/platform/status')), refetchInterval: 10_000 });

  return (
    <>
      <PageHeader title="Overview" />
      <div className="overview-grid">
        <section className="card card-wide" aria-labelledby="outcomes-title">
          <div className="section-header">
            <h2 id="outcomes-title">Deliveries</h2>
            <Field label="Period">
              <select value={window} onChange={(e) => setWindow(e.target.value as '1h' | '24h')}>
                <option value="1h">Last hour</option>
                <option value="24h">Last day</option>
              </select>
            </Field>
          </div>
          <QueryState query={stats} skeletonRows={8} minHeight="24rem">
            {(s) => (
              <>
                <ul className="kpis">
                  <li>
                    <span className="kpi-value">{s.totals.delivered}</span> delivered
                  </li>
                  <li>
                    <span className="kpi-value">{s.totals.retrying}</span> retrying
                  </li>
                  <li>
                    <span className="kpi-value">{s.totals.failed}</span> failed
                  </li>
                  <li>
                    <Link to="/deliveries?status=failed&kind=live">
                      <span className="kpi-value">{s.deadLetters}</span> dead letters waiting
                    </Link>
                  </li>
                </ul>
                <OutcomeChart
                  buckets={s.buckets}
                  bucketSeconds={s.bucketSeconds}
                  title={window === '1h' ? 'Deliveries by outcome, last hour' : 'Deliveries by outcome, last day'}
                />
              </>
            )}
          </QueryState>
        </section>
        <section className="card" aria-labelledby="failing-title">
          <h2 id="failing-title">Triggers failing most</h2>
          <QueryState
            query={failing}
            minHeight="14rem"
            isEmpty={(l) => l.length === 0}
            empty={<p>No trigger has failed or retrying deliveries in this period.</p>}
          >
            {(list) => (
              <table className="table">
                <caption className="visually-hidden">Triggers failing most</caption>
                <thead>
                  <tr>
                    <th scope="col">Trigger</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Retrying</th>
                    <th scope="col">Latest error</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.triggerId}>
                      <td>
                        <Link to={`/customers/${encodeURIComponent(t.customerId)}/triggers/${t.triggerId}`}>{t.triggerName ?? t.triggerId}</Link>
                        <div className="muted small">{t.customerId}</div>
                      </td>
                      <td>{t.failed}</td>
                      <td>{t.retrying}</td>
                      <td>
                        <code>{t.lastErrorCode ?? '—'}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
        </section>
        <section className="card" aria-labelledby="health-title">
          <h2 id="health-title">Platform health</h2>
          <QueryState query={platform} skeletonRows={6} minHeight="22rem">
            {(p) => (
              <>
                <ul className="health-list">
                  {p.services.map((s) => (
                    <li key={s.name}>
                      <StatusBadge status={s.status} /> <strong>{s.name}</strong>
                      {s.error && <span className="muted small"> {s.error}</span>}
                      {Object.entries(s.checks)
                        .filter(([, c]) => c.status !== 'ok')
                        .map(([name, c]) => (
                          <div key={name} className="muted small">
                            {name}: {c.detail ?? c.status}
                          </div>
                        ))}
                    </li>
                  ))}
                </ul>
                <table className="table">
                  <caption>Consumers</caption>
                  <thead>
                    <tr>
                      <th scope="col">Group</th>
                      <th scope="col">State</th>
                      <th scope="col">Members</th>
                      <th scope="col">Lag</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.consumers.map((c) => (
                      <tr key={c.groupId}>
                        <td>
                          {c.role} <div className="muted small">{c.groupId}</div>
                        </td>
                        <td>
                          <StatusBadge status={c.state} />
                        </td>
                        <td>{c.members}</td>
                        <td title={c.topics.map((t) => `${t.topic}: ${t.lag}`).join('\n')}>{c.lag}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="muted small">
                  Checked <Time iso={p.checkedAt} />
                </p>
              </>
            )}
          </QueryState>
        </section>
      </div>
    </>
  );
}
