import type { LifecycleAnnotation } from './delivery-job';
import { isOrderEventType, OrderEventType } from './event-types';
import type { OrderEvent } from './order-event';
import { KAFKA_HEADERS } from './topics';
import { isPlainObject } from './validation';

/**
 * The order lifecycle the router checks events against (issue 12, "lifecycle awareness").
 *
 * The normal progression is received → produced → shipped → in_transit (repeated per carrier
 * scan) → delivered. Four states are terminal: delivered, canceled, returned, failed. Returned
 * normally follows delivered (or shipped / in_transit: a parcel refused on the way); canceled and
 * failed may follow any state that is not terminal.
 *
 * An event is judged against the last event routed for its order (the order's *state*):
 * - **stale**: it occurred (`occurredAt`) before that event: late, or a duplicate of an older one;
 * - **out of order** (backwards): its type cannot come after the state's type: an earlier step of
 *   the progression (shipped after in_transit), or anything after a terminal state it cannot follow
 *   (in_transit after delivered, canceled after delivered, anything but returned after delivered,
 *   anything after canceled, returned or failed).
 *
 * Deliberately not flagged: gaps (received → delivered: events the platform never sent, or that
 * are still on their way, are not an error of this one), a type repeated (in_transit again, a
 * second shipped: `stale` tells a late copy), and returned after received or produced (a gap too;
 * the missing shipped, arriving later, is flagged then). Equal `occurredAt` is not stale.
 *
 * Only an event that is neither stale nor out of order becomes the order's new state: the state
 * is always the furthest, newest point the order reached.
 */
export const LIFECYCLE_PROGRESSION: readonly OrderEventType[] = ['order.received', 'order.produced', 'order.shipped', 'order.in_transit', 'order.delivered'];
export const TERMINAL_EVENT_TYPES: readonly OrderEventType[] = ['order.delivered', 'order.canceled', 'order.returned', 'order.failed'];

const RANK = new Map<OrderEventType, number>(LIFECYCLE_PROGRESSION.map((t, i) => [t, i]));
const TERMINAL: ReadonlySet<OrderEventType> = new Set(TERMINAL_EVENT_TYPES);

/** One event as the lifecycle remembers it. */
export interface LifecycleStep {
  type: OrderEventType;
  occurredAt: string;
  eventId: string;
}

export interface LifecycleVerdict {
  stale: boolean;
  outOfOrder: boolean;
}

/** Whether `next` goes backwards from `last` (see the rules above). */
export function goesBackwards(last: OrderEventType, next: OrderEventType): boolean {
  if (next === last) return false;
  if (last === 'order.delivered') return next !== 'order.returned';
  if (TERMINAL.has(last)) return true;
  // `last` is received, produced, shipped or in_transit.
  if (next === 'order.canceled' || next === 'order.failed' || next === 'order.returned') return false;
  return (RANK.get(next) ?? 0) < (RANK.get(last) ?? 0);
}

/** An event against its order's last routed event (`last`: none yet, nothing is wrong with it). */
export function classifyLifecycle(
  event: Pick<LifecycleStep, 'type' | 'occurredAt'>,
  last: Pick<LifecycleStep, 'type' | 'occurredAt'> | null,
): LifecycleVerdict {
  if (!last) return { stale: false, outOfOrder: false };
  return { stale: Date.parse(event.occurredAt) < Date.parse(last.occurredAt), outOfOrder: goesBackwards(last.type, event.type) };
}

/**
 * What `meta.lifecycle` holds in a trigger's preview and test-fire when its policy is `annotate`:
 * the annotation of an order's first event (nothing before it, nothing wrong), so a template that
 * reads `previous` without checking for null fails in the test, not live.
 */
export function sampleLifecycleAnnotation(): LifecycleAnnotation {
  return { previous: null, outOfOrder: false, stale: false };
}

/**
 * The router's changelog (topic `postback.order-lifecycle`, compacted): one record per order,
 * keyed `${customerId}|${orderId}` (order ids are unique per customer only; customer ids cannot
 * hold `|`), holding the order's state and the state before it. `previous` lets a router that
 * meets the state's own event again (a duplicate, or an at-least-once re-read) judge it as the
 * first time; `source` is where the event was read (see the router's OrderLifecycleView).
 */
export interface OrderLifecycleRecord extends LifecycleStep {
  schema: 'order-lifecycle/1';
  previous: LifecycleStep | null;
  /** When the router wrote the state (ms since the epoch): the in-memory view forgets states by it. */
  at: number;
  source?: { topic: string; partition: number; offset: string };
}

export function lifecycleKey(customerId: string, orderId: string): string {
  return `${customerId}|${orderId}`;
}

/** The key of an event's order, or undefined when its customer id could make keys collide. */
export function lifecycleKeyOf(event: OrderEvent): string | undefined {
  return event.customerId.includes('|') ? undefined : lifecycleKey(event.customerId, event.data.id);
}

export function stepOf(event: OrderEvent): LifecycleStep {
  return { type: event.type, occurredAt: event.occurredAt, eventId: event.id };
}

export function encodeLifecycleRecord(key: string, record: OrderLifecycleRecord): { key: string; value: string; headers: Record<string, string> } {
  return { key, value: JSON.stringify(record), headers: { [KAFKA_HEADERS.schema]: record.schema } };
}

/** A changelog value, checked; undefined for a value that is not one (it is skipped). */
export function decodeLifecycleRecord(value: Buffer | string): OrderLifecycleRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(json) || json.schema !== 'order-lifecycle/1' || !isStep(json) || typeof json.at !== 'number') return undefined;
  if (json.previous !== null && !isStep(json.previous)) return undefined;
  const s = json.source;
  if (s !== undefined && !(isPlainObject(s) && typeof s.topic === 'string' && typeof s.partition === 'number' && typeof s.offset === 'string'))
    return undefined;
  return json as unknown as OrderLifecycleRecord;
}

function isStep(v: unknown): v is LifecycleStep {
  return (
    isPlainObject(v) &&
    isOrderEventType(v.type) &&
    typeof v.occurredAt === 'string' &&
    !Number.isNaN(Date.parse(v.occurredAt)) &&
    typeof v.eventId === 'string' &&
    v.eventId.length > 0
  );
}
