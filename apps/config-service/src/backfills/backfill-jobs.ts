import {
  decodeOrderEventRecord,
  deliveryIdFor,
  encodeDeliveryJob,
  EVENT_LIMITS,
  isTraceparent,
  KAFKA_HEADERS,
  OrderEvent,
  OrderEventType,
} from '@postback/contracts';
import type { ConsumedMessage, OutgoingMessage } from '@postback/kafka';
import type { DeliveryStatus } from '../deliveries/delivery.entity';

/** On every job a backfill produces: the backfill's id, so the records say where they came from. */
export const BACKFILL_HEADER = 'x-postback-backfill';

/** The trigger as a backfill routes through it: its live revision's event types, and the snapshot revision the delivery service must have. */
export interface BackfillTarget {
  triggerId: string;
  customerId: string;
  liveRevision: number;
  eventTypes: readonly OrderEventType[];
  snapshotRevision: number;
}

/** What one record is to the backfill. */
export type Candidate =
  | { offset: number; outcome: 'invalid' | 'not_matching' }
  | { offset: number; outcome: 'matched'; event: OrderEvent; deliveryId: string; message: ConsumedMessage };

/** What the delivery log has of a delivery. */
export interface LoggedDelivery {
  status: DeliveryStatus;
  attempts: number;
  test: boolean;
  lastErrorCode: string | null;
}

/** Skipped by the router on purpose (the trigger's out-of-order policy): decided, as a delivered one is. */
const POLICY_SKIPS: ReadonlySet<string> = new Set(['STALE_EVENT', 'OUT_OF_ORDER']);

/** Decodes a record as the router does, and keeps it when it is an event of the trigger's customer and live event types. */
export function candidateOf(message: ConsumedMessage, target: BackfillTarget): Candidate {
  const offset = Number(message.offset);
  if (message.value === null || message.value.length > EVENT_LIMITS.maxBytes) return { offset, outcome: 'invalid' };
  const decoded = decodeOrderEventRecord(message.value, message.headers);
  if (!decoded.ok) return { offset, outcome: 'invalid' };
  const event = decoded.value;
  if (event.customerId !== target.customerId || !target.eventTypes.includes(event.type)) return { offset, outcome: 'not_matching' };
  return { offset, outcome: 'matched', event, deliveryId: deliveryIdFor(event.id, target.triggerId), message };
}

/**
 * Whether the delivery log has the event as sent already: delivered, or skipped by the trigger's
 * out-of-order policy (both unless `redeliver`), or still being retried or queued behind its
 * order (per-order sequence) (always: a second run beside the first would interleave their attempts).
 */
export function alreadyDelivered(logged: LoggedDelivery | undefined, redeliver: boolean): boolean {
  if (!logged || logged.test) return false;
  if (logged.status === 'retrying' || logged.status === 'queued') return true;
  const decided = logged.status === 'delivered' || (logged.status === 'skipped' && POLICY_SKIPS.has(logged.lastErrorCode ?? ''));
  return decided && !redeliver;
}

/**
 * The delivery job the router would have made, with the same delivery id and key (the order id).
 * A delivery the log already has (failed, skipped, or delivered and redelivered) goes on as a
 * replay does: its attempts keep counting, with a fresh retry budget.
 */
export function backfillJob(
  candidate: Extract<Candidate, { outcome: 'matched' }>,
  target: BackfillTarget,
  logged: LoggedDelivery | undefined,
  backfillId: string,
  routedAt: string,
): OutgoingMessage {
  const { event, message } = candidate;
  const earlier = logged?.attempts ?? 0;
  const record = encodeDeliveryJob(
    {
      schema: 'delivery-job/1',
      deliveryId: candidate.deliveryId,
      triggerId: target.triggerId,
      customerId: event.customerId,
      triggerRevision: target.snapshotRevision,
      attempt: earlier + 1,
      ...(earlier > 0 ? { attemptBase: earlier, replay: true } : {}),
      routedAt,
      test: false,
      event,
    },
    isTraceparent(message.headers[KAFKA_HEADERS.traceparent]) ? message.headers : undefined,
  );
  record.headers[BACKFILL_HEADER] = backfillId;
  return record;
}
