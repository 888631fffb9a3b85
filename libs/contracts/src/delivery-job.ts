import { createHash } from 'node:crypto';
import type { OrderEventType } from './event-types';
import { OrderEvent, parseOrderEvent } from './order-event';
import type { TraceHeaders } from './trace-context';
import { IssueCollector, isPlainObject, Validated, describe } from './validation';

/** One delivery of one event through one trigger. Keyed by order id on Kafka. */
export interface DeliveryJob {
  schema: 'delivery-job/1';
  /** Deterministic from (event id, trigger id): the same across retries, replays and duplicates. */
  deliveryId: string;
  triggerId: string;
  customerId: string;
  /** The trigger revision the router matched; the delivery service waits until its own view has it. */
  triggerRevision: number;
  /** Attempt about to be made, starting at 1. */
  attempt: number;
  /** When the router produced the first job for this delivery. */
  routedAt: string;
  /** A test-fire from the API: delivered whatever the trigger's state, never retried. */
  test: boolean;
  event: OrderEvent;
  /** Attempts made before this run (a replay starts a new run with a fresh retry budget). */
  attemptBase?: number;
  /** Not to be attempted before this time (jobs on the retry topics). */
  dueAt?: string;
  /** Why the previous attempt failed (on retry and dead-letter records). */
  lastError?: { code: string; message: string };
  /** Sent again by an operator (replay) after it failed or was delivered. */
  replay?: boolean;
  /**
   * A hand-off: the previous attempt was still in flight when the main topic moved on. This attempt
   * is made only if that one turns out not to have settled the delivery.
   */
  handoff?: boolean;
  /**
   * The W3C trace context the job travels with. It lives in the record's headers, never in its
   * value: `encodeDeliveryJob` writes it there and the delivery service's decoder reads it back, so
   * retries and dead letters made from the job carry it on.
   */
  trace?: TraceHeaders;
  /**
   * Set by the router for a trigger whose out-of-order policy is `annotate`: how this event relates
   * to the last one routed for its order. Templates see it as `meta.lifecycle`.
   */
  lifecycle?: LifecycleAnnotation;
}

/** What the router knew of the order when it routed the event (see `DeliveryJob.lifecycle`). */
export interface LifecycleAnnotation {
  /** The last event routed for the order before this one, or null for the first. */
  previous: { type: OrderEventType; occurredAt: string; eventId: string } | null;
  /** The event goes backwards in the order's lifecycle (e.g. shipped after delivered). */
  outOfOrder: boolean;
  /** The event occurred before the last one routed for the order (late or duplicate). */
  stale: boolean;
}

export function deliveryIdFor(eventId: string, triggerId: string): string {
  const digest = createHash('sha256').update(eventId).update('\u0000').update(triggerId).digest('base64url');
  return `msg_${digest.slice(0, 27)}`;
}

export function parseDeliveryJob(input: unknown): Validated<DeliveryJob> {
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: '$', message: `job must be an object, got ${describe(input)}` }] };
  const c = new IssueCollector();
  if (input.schema !== 'delivery-job/1') c.add('schema', 'must be delivery-job/1');
  c.string(input, 'deliveryId', 'deliveryId', { max: 100 });
  c.string(input, 'triggerId', 'triggerId', { max: 100 });
  c.string(input, 'customerId', 'customerId', { max: 100 });
  c.integer(input, 'triggerRevision', 'triggerRevision', { min: 0, max: Number.MAX_SAFE_INTEGER });
  c.integer(input, 'attempt', 'attempt', { min: 1, max: 1000 });
  c.dateTime(input, 'routedAt', 'routedAt');
  if (typeof input.test !== 'boolean') c.add('test', 'must be a boolean');
  c.integer(input, 'attemptBase', 'attemptBase', { min: 0, max: 1000, optional: true });
  c.dateTime(input, 'dueAt', 'dueAt', { optional: true });
  const event = parseOrderEvent(input.event);
  if (!event.ok) for (const i of event.issues) c.add(`event.${i.path}`, i.message);
  return c.result(input as unknown as DeliveryJob);
}
