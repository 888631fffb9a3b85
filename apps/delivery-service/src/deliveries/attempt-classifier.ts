import { ChannelResult } from '../channels/channel';

/**
 * What an attempt's result means:
 * - `delivered`: 2xx.
 * - `retryable`: network error, timeout, 408, 429, 5xx; `retryAfterMs` from a Retry-After header.
 * - `gone`: 410, the receiver says the endpoint is gone: stop, and pause the trigger.
 * - `permanent`: other 4xx, redirects (not followed), a refused destination: retrying will not help.
 */
export type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'permanent'; reason: string };

const PERMANENT_ERRORS = new Set([
  'DESTINATION_REFUSED',
  'NO_URL',
  'ERR_INVALID_URL',
  'ERR_FR_TOO_MANY_REDIRECTS',
  'NO_RECIPIENTS',
  'BAD_RECIPIENT',
  'MESSAGE_TOO_LARGE',
  'EENVELOPE',
]);

/**
 * HTTP: as above. SMTP (email) uses its own reply codes: 2xx delivered, 4xx (421 service not
 * available, 450/451/452 try again) retryable, 5xx (550 mailbox unavailable, 552, 554) permanent;
 * connection errors and timeouts retryable.
 */
export function classifyAttempt(result: ChannelResult, now: number = Date.now(), channel: 'http' | 'email' = 'http'): Verdict {
  if (channel === 'email' && result.kind === 'response') {
    if (result.status >= 200 && result.status < 300) return { kind: 'delivered' };
    if (result.status >= 400 && result.status < 500) return { kind: 'retryable', reason: `SMTP ${result.status}: ${result.bodyExcerpt}` };
    return { kind: 'permanent', reason: `SMTP ${result.status}: ${result.bodyExcerpt}` };
  }
  if (result.kind === 'error') {
    if (PERMANENT_ERRORS.has(result.code)) return { kind: 'permanent', reason: `${result.code}: ${result.message}` };
    return { kind: 'retryable', reason: `${result.code}: ${result.message}` };
  }
  const s = result.status;
  if (s >= 200 && s < 300) return { kind: 'delivered' };
  if (s === 410) return { kind: 'gone', reason: 'HTTP 410 Gone: the receiver retired this endpoint' };
  if (s === 408 || s === 429 || s >= 500) {
    const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now);
    return { kind: 'retryable', reason: `HTTP ${s}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (s >= 300 && s < 400)
    return { kind: 'permanent', reason: `HTTP ${s}: redirects are not followed${result.headers.location ? ` (to ${result.headers.location})` : ''}` };
  return { kind: 'permanent', reason: `HTTP ${s}` };
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
