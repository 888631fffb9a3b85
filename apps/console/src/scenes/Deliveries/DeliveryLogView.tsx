import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDeliveries, useEventTypes, type DeliveryFilters, type OrderEventType } from '../../api/queries';
import { WriteButton } from '../../common/Button';
import { Field } from '../../common/Field';
import { fromLocalInput, toLocalInput } from '../../common/format';
import { Pager } from '../../common/Pager';
import { QueryState } from '../../common/QueryState';
import { StatusBadge } from '../../common/StatusBadge';
import { Time } from '../../common/Time';
import { BulkReplayDialog } from './BulkReplayDialog';

const STATUSES = ['delivered', 'retrying', 'queued', 'failed', 'skipped'] as const;

/**
 * The delivery log with its filters (in the URL, so a filtered view can be linked to), refreshed
 * every few seconds so new deliveries appear on their own, and replay in bulk by the same filter.
 */
export function DeliveryLogView({ fixed = {} }: { fixed?: { customerId?: string; triggerId?: string } }) {
  const [params, setParams] = useSearchParams();
  const eventTypes = useEventTypes();
  const [replaying, setReplaying] = useState(false);
  const get = (k: string) => params.get(k) ?? '';
  const filters: DeliveryFilters = {
    customerId: fixed.customerId ?? (get('customerId') || undefined),
    triggerId: fixed.triggerId ?? (get('triggerId') || undefined),
    eventType: (get('eventType') || undefined) as OrderEventType | undefined,
    status: (get('status') || undefined) as DeliveryFilters['status'],
    test: get('kind') === 'test' ? true : get('kind') === 'live' ? false : undefined,
    from: fromLocalInput(get('from')),
    to: fromLocalInput(get('to')),
  };
  const offset = Number(get('offset')) || 0;
  const deliveries = useDeliveries(filters, offset);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('offset');
    setParams(next, { replace: true });
  };

  return (
    <div className="delivery-log">
      <div className="filters" role="search" aria-label="Filter deliveries">
        {!fixed.customerId && (
          <Field label="Customer id">
            <input value={get('customerId')} onChange={(e) => set('customerId', e.target.value.trim())} spellCheck={false} />
          </Field>
        )}
        {!fixed.triggerId && (
          <Field label="Trigger id">
            <input value={get('triggerId')} onChange={(e) => set('triggerId', e.target.value.trim())} spellCheck={false} />
          </Field>
        )}
        <Field label="Event">
          <select value={get('eventType')} onChange={(e) => set('eventType', e.target.value)}>
            <option value="">All events</option>
            {(eventTypes.data ?? []).map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Outcome">
          <select value={get('status')} onChange={(e) => set('status', e.target.value)}>
            <option value="">All outcomes</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Kind">
          <select value={get('kind')} onChange={(e) => set('kind', e.target.value)}>
            <option value="">Live and tests</option>
            <option value="live">Live only</option>
            <option value="test">Tests only</option>
          </select>
        </Field>
        <Field label="From">
          <input type="datetime-local" value={get('from')} onChange={(e) => set('from', e.target.value)} />
        </Field>
        <Field label="To">
          <input type="datetime-local" value={get('to')} onChange={(e) => set('to', e.target.value)} />
        </Field>
        <div className="filter-actions">
          <WriteButton onClick={() => setReplaying(true)}>Replay failed…</WriteButton>
        </div>
      </div>
      <QueryState
        query={deliveries}
        skeletonRows={6}
        isEmpty={(p) => p.items.length === 0}
        empty={<p>No deliveries match. New ones appear here on their own as order events arrive.</p>}
      >
        {(page) => (
          <>
            <p className="muted small">
              {page.total} {page.total === 1 ? 'delivery' : 'deliveries'}; refreshed every few seconds.
            </p>
            <table className="table">
              <caption className="visually-hidden">Deliveries</caption>
              <thead>
                <tr>
                  <th scope="col">Last attempt</th>
                  <th scope="col">Event</th>
                  <th scope="col">Order</th>
                  {!fixed.customerId && <th scope="col">Customer</th>}
                  <th scope="col">Outcome</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.deliveryId}>
                    <td>
                      <Time iso={d.lastAttemptAt} />
                    </td>
                    <td>
                      {d.eventType}
                      {d.test && <span className="badge badge-neutral">test</span>}
                    </td>
                    <td>
                      <code>{d.orderId}</code>
                    </td>
                    {!fixed.customerId && (
                      <td>
                        <Link to={`/customers/${encodeURIComponent(d.customerId)}`}>{d.customerId}</Link>
                      </td>
                    )}
                    <td>
                      <StatusBadge status={d.status} />
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatusCode ?? d.lastErrorCode ?? '—'}</td>
                    <td>
                      <Link to={`/deliveries/${d.deliveryId}`} aria-label={`Delivery ${d.deliveryId}: ${d.eventType} of order ${d.orderId}, ${d.status}`}>
                        <code>{d.deliveryId.slice(0, 14)}…</code>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              label="Deliveries"
              offset={page.offset}
              limit={page.limit}
              total={page.total}
              onChange={(o) => {
                const next = new URLSearchParams(params);
                next.set('offset', String(o));
                setParams(next, { replace: true });
              }}
            />
          </>
        )}
      </QueryState>
      <BulkReplayDialog
        open={replaying}
        onClose={() => setReplaying(false)}
        filter={{
          customerId: filters.customerId,
          triggerId: filters.triggerId,
          eventType: filters.eventType,
          from: filters.from ?? toLocalInputIso(new Date(Date.now() - 24 * 3600_000)),
          to: filters.to ?? toLocalInputIso(new Date(Date.now() + 60_000)),
        }}
      />
    </div>
  );
}

function toLocalInputIso(d: Date): string {
  return fromLocalInput(toLocalInput(d)) ?? d.toISOString();
}
