import { Link } from 'react-router';
import { useEventTypeLabel, useTemplate, type Trigger } from '../../api/queries';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

export function TemplateName({ id }: { id: string }) {
  const template = useTemplate(id);
  return <>{template.data?.name ?? <code>{id}</code>}</>;
}

/** Where a trigger delivers: the URL's host and path, or the email recipients. */
export function destinationOf(t: Trigger): string {
  if (t.channel === 'email') return `Email to ${t.email?.to.join(', ') ?? '—'}`;
  try {
    const u = new URL(t.url ?? '');
    return `${t.method} ${u.host}${u.pathname}`;
  } catch {
    return t.url ?? '—';
  }
}

export function TriggerTable({ triggers, customerId }: { triggers: Trigger[]; customerId: string }) {
  const label = useEventTypeLabel();
  return (
    <table className="table">
      <caption className="visually-hidden">Triggers</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Events</th>
          <th scope="col">Delivered to</th>
          <th scope="col">Template</th>
          <th scope="col">Last test</th>
        </tr>
      </thead>
      <tbody>
        {triggers.map((t) => (
          <tr key={t.id}>
            <td>
              <Link to={`/customers/${encodeURIComponent(customerId)}/triggers/${t.id}`}>{t.name}</Link>
            </td>
            <td>
              <StatusBadge status={t.status} />
              {t.status !== 'active' && !t.testedCurrentConfig && <span className="muted small"> needs a test</span>}
              {t.pendingChanges && <span className="muted small"> changes waiting for a test</span>}
            </td>
            <td>{t.eventTypes.map(label).join(', ')}</td>
            <td className="wrap-anywhere">{destinationOf(t)}</td>
            <td>
              <TemplateName id={t.templateId} />
            </td>
            <td>
              {t.lastTest ? (
                <>
                  <StatusBadge status={t.lastTest.outcome} /> <Time iso={t.lastTest.at} />
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
