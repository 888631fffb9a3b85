import type { DeliveryChannel as ChannelName, DeliveryJob, OrderEvent, TraceHeaders, TriggerSnapshot } from '@postback/contracts';
import type { Context } from '@postback/observability';

/** What a channel is asked to send: the rendered payload of one attempt. */
export interface SendRequest {
  deliveryId: string;
  attempt: number;
  test: boolean;
  trigger: TriggerSnapshot;
  event: OrderEvent;
  body: string;
  contentType: string;
  /** Signing secrets, newest first. */
  secrets: string[];
  /** What the channel prepared for this attempt (e.g. the email's rendered subject). */
  prepared: Prepared;
  /** The job's trace context: sent on as it is when tracing is off. */
  trace?: TraceHeaders;
  /** Tracing on: the attempt's context, in which the channel makes its client span (and sends that span's context). */
  traceContext?: Context;
}

/** Channel-specific parts of an attempt, made before sending (see DeliveryChannel.prepare). */
export interface Prepared {
  subject?: string;
}

export interface RequestSummary {
  url: string;
  method: string;
  bytes: number;
  /** The headers sent (signature included). */
  headers?: Record<string, string>;
}

/** What came back: a response (any status), or an error before one arrived. */
export type ChannelResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; bodyExcerpt: string; durationMs: number; request: RequestSummary }
  | { kind: 'error'; code: string; message: string; durationMs: number; request: RequestSummary };

/**
 * What an attempt's result means:
 * - `delivered`: accepted.
 * - `retryable`: worth trying again (network error, timeout, 408, 429, 5xx, SMTP 4xx); `retryAfterMs` from a Retry-After header.
 * - `gone`: the receiver says the endpoint is gone (HTTP 410): stop, and pause the trigger.
 * - `permanent`: trying again will not help (other 4xx, redirects, a refused destination, SMTP 5xx).
 */
export type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'permanent'; reason: string };

/**
 * A way of delivering a postback, as a strategy: HTTP and email each own where a send goes (its
 * host, for per-host limits and the circuit breaker), what they prepare before sending, how they
 * send, and what their answers mean. The delivery pipeline holds no channel-specific branches.
 */
export interface DeliveryChannel {
  readonly name: ChannelName;
  /** The destination a send occupies (per-host concurrency, circuit breaker). */
  hostOf(trigger: TriggerSnapshot): string;
  /** What the channel makes before sending (e.g. the email subject from its template); an error fails the attempt for good. */
  prepare(job: DeliveryJob, trigger: TriggerSnapshot): Promise<{ ok: true; prepared: Prepared } | { ok: false; error: { code: string; message: string } }>;
  send(request: SendRequest): Promise<ChannelResult>;
  classify(result: ChannelResult, now: number): Verdict;
  /** The error code of an attempt that was not delivered: `HTTP_503`, `SMTP_451`, `TIMEOUT`, `GONE`… */
  errorCode(result: ChannelResult, verdict: Verdict): string;
  /** Closes its connections (on shutdown). */
  close(): void;
}

/** Error codes that no retry will fix, whatever the channel. */
export const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'DESTINATION_REFUSED',
  'NO_URL',
  'ERR_INVALID_URL',
  'NO_RECIPIENTS',
  'BAD_RECIPIENT',
  'MESSAGE_TOO_LARGE',
  'EENVELOPE',
]);

/** An error before any answer: permanent when no retry can help, retryable otherwise. */
export function classifyError(result: Extract<ChannelResult, { kind: 'error' }>): Verdict {
  if (PERMANENT_ERRORS.has(result.code)) return { kind: 'permanent', reason: `${result.code}: ${result.message}` };
  return { kind: 'retryable', reason: `${result.code}: ${result.message}` };
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
