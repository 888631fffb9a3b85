/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) as it travels with an order event: in
 * the Kafka headers of the event, of its delivery jobs (retry tiers and dead letters included), and
 * on the outgoing request or email. Plain string work, no tracing library: the hot paths use it to
 * pass a context on when tracing is off.
 */

/** The two headers, by their W3C names. Structurally a subset of a headers record. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

export const TRACE_HEADERS = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

export interface Traceparent {
  version: string;
  /** 32 lower-case hex characters, not all zero. */
  traceId: string;
  /** 16 lower-case hex characters, not all zero: the caller's span. */
  spanId: string;
  /** Trace flags; bit 0 is `sampled`. */
  flags: number;
}

// version "-" trace-id "-" parent-id "-" flags, and for versions after 00 possibly more after a "-".
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/;
const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

/** Whether a header value is a traceparent worth passing on. Allocates nothing. */
export function isTraceparent(value: string | undefined): value is string {
  if (value === undefined || value.length < 55 || !TRACEPARENT.test(value)) return false;
  if (value.startsWith('ff')) return false; // version 255 is invalid
  if (value.startsWith('00') && value.length !== 55) return false; // version 00 is exactly 55 characters
  return !value.startsWith(ZERO_TRACE_ID, 3) && !value.startsWith(ZERO_SPAN_ID, 36);
}

export function parseTraceparent(value: string | undefined): Traceparent | undefined {
  if (!isTraceparent(value)) return undefined;
  return { version: value.slice(0, 2), traceId: value.slice(3, 35), spanId: value.slice(36, 52), flags: parseInt(value.slice(53, 55), 16) };
}

/** The trace id of a traceparent, or undefined when it is not a valid one. */
export function traceIdOf(value: string | undefined): string | undefined {
  return isTraceparent(value) ? value.slice(3, 35) : undefined;
}

/** A version-00 traceparent. */
export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The trace context of a record's or request's headers: its `traceparent` when valid, with its
 * `tracestate` if present; undefined otherwise (an invalid traceparent voids the tracestate too).
 */
export function traceHeadersOf(headers: Readonly<Record<string, string | undefined>>): TraceHeaders | undefined {
  const traceparent = headers[TRACE_HEADERS.traceparent];
  if (!isTraceparent(traceparent)) return undefined;
  const tracestate = headers[TRACE_HEADERS.tracestate];
  return tracestate === undefined || tracestate === '' ? { traceparent } : { traceparent, tracestate };
}

/** Copies a trace context into a headers record (nothing when there is none). */
export function writeTraceHeaders(into: Record<string, string>, trace: TraceHeaders | undefined): void {
  if (trace?.traceparent === undefined) return;
  into[TRACE_HEADERS.traceparent] = trace.traceparent;
  if (trace.tracestate) into[TRACE_HEADERS.tracestate] = trace.tracestate;
}
