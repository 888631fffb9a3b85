import { OrderEventType } from './event-types';
import type { OrderEvent } from './order-event';

/** How a trigger delivers: HTTP POST (or PUT/PATCH) to a URL, or an email. */
export const DELIVERY_CHANNELS = ['http', 'email'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * What happened to one attempt. `delivered` and `failed` are final; `retry_scheduled` means a later
 * attempt is queued; `skipped` means nothing was sent (trigger deleted or paused since routing, or
 * an out-of-order event the trigger skips); `queued` (attempt 0, no attempt made) means the delivery
 * waits behind an earlier one of the same order (per-order sequence).
 */
export type AttemptOutcome = 'delivered' | 'retry_scheduled' | 'failed' | 'skipped' | 'queued';

export interface AttemptResult {
  schema: 'attempt-result/1';
  deliveryId: string;
  attempt: number;
  triggerId: string;
  customerId: string;
  eventId: string;
  eventType: OrderEventType;
  orderId: string;
  channel: DeliveryChannel;
  outcome: AttemptOutcome;
  test: boolean;
  startedAt: string;
  durationMs: number;
  /** Milliseconds from the event's occurredAt to the end of this attempt. */
  endToEndMs: number;
  /** What was sent; `headers` and `body` only for test deliveries (so the operator sees them). */
  request?: { url: string; method: string; bytes: number; headers?: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; bodyExcerpt: string };
  error?: { code: string; message: string };
  nextAttemptAt?: string;
  /** No further attempt will follow unless an operator replays it (delivered, failed, skipped). */
  final: boolean;
  /** True when the failure was dead-lettered. */
  deadLettered?: boolean;
  /** The W3C trace id the attempt belongs to (32 hex characters), when the job carried or started a trace. */
  traceId?: string;
  /** The event, on a delivery's first attempt and on its final failure: what a replay sends again. */
  event?: OrderEvent;
}
