import { useReplayJobs } from '../../api/queries';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';

/** The latest bulk replays and how far each got. */
export function RecentReplays({ customerId, triggerId }: { customerId?: string; triggerId?: string }) {
  const jobs = useReplayJobs({ customerId, triggerId });
  return (
    <section aria-labelledby="replays-title">
      <h2 id="replays-title">Bulk replays</h2>
      <QueryState query={jobs} isEmpty={(l) => l.length === 0} empty={<p>No bulk replays yet.</p>}>
        {(list) => (
          <table className="table">
            <caption className="visually-hidden">Bulk replays</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Filter</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {list.map((j) => (
                <tr key={j.id}>
                  <td>
                    <Time iso={j.createdAt} />
                  </td>
                  <td>
                    {[j.customerId && `customer ${j.customerId}`, j.triggerId && `trigger ${j.triggerId}`, j.eventType].filter(Boolean).join(', ') ||
                      'everything'}
                    ; <Time iso={j.from} /> – <Time iso={j.to} />
                  </td>
                  <td>
                    <StatusBadge status={j.status} />
                  </td>
                  <td>
                    {j.replayed} / {j.total}
                  </td>
                  <td>{j.createdBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
