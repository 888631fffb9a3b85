import { AttemptOutcome, AttemptResult, DELIVERY_CHANNELS } from './attempt-result';
import { DeliveryJob, parseDeliveryJob } from './delivery-job';
import { ORDER_EVENT_TYPES } from './event-types';
import { KAFKA_HEADERS } from './topics';
import { TraceHeaders, writeTraceHeaders } from './trace-context';
import { formatIssues, isPlainObject, IssueCollector, Validated } from './validation';

/**
 * The records of the platform's own topics, encoded and decoded in one place each: delivery jobs
 * (router, replays, retries, dead letters) and attempt results (delivery service → delivery log).
 * A structural record type, so this library needs no Kafka client.
 */
export interface EncodedRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Decoding failed: why, in words for an operator (and the dead-letter header). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Every error code an attempt can end with, besides `HTTP_<status>` and `SMTP_<reply code>`:
 * what the delivery log, metrics labels and alerts can expect.
 */
export const ATTEMPT_ERROR_CODES = [
  // Sending
  'TIMEOUT',
  'NETWORK_ERROR',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'DESTINATION_REFUSED',
  'NO_URL',
  'GONE',
  // Email
  'NO_RECIPIENTS',
  'BAD_RECIPIENT',
  'MESSAGE_TOO_LARGE',
  'EENVELOPE',
  'SMTP_ERROR',
  // Rendering
  'TEMPLATE_SYNTAX',
  'TEMPLATE_RUNTIME',
  'TEMPLATE_TIMEOUT',
  'TEMPLATE_TOO_LARGE',
  'TEMPLATE_OUTPUT',
  'SCHEMA_MISMATCH',
  // The platform
  'TRIGGER_NOT_FOUND',
  'TRIGGER_INACTIVE',
  'TRIGGER_NOT_CURRENT',
  'CHANNEL_UNAVAILABLE',
  'SECRETS_UNREADABLE',
  'INTERNAL_ERROR',
  // Lifecycle awareness: skipped by the trigger's out-of-order policy (the outcome is skipped)
  'STALE_EVENT',
  'OUT_OF_ORDER',
  // Order-aware delivery (the outcome is queued, not a failure)
  'WAITING_FOR_SEQUENCE',
] as const;

export type AttemptErrorCode = (typeof ATTEMPT_ERROR_CODES)[number];

/**
 * A delivery job as a record: keyed by order id (one order's jobs keep their order in a
 * partition), with its schema and event id in headers; on a retry topic also when it is due. Its
 * trace context (`trace`, the job's own unless given) goes in the `traceparent` and `tracestate`
 * headers, not in the value.
 */
export function encodeDeliveryJob(job: DeliveryJob, trace: TraceHeaders | undefined = job.trace): EncodedRecord {
  const headers: Record<string, string> = { [KAFKA_HEADERS.schema]: job.schema, [KAFKA_HEADERS.eventId]: job.event.id };
  if (job.dueAt) headers[KAFKA_HEADERS.dueAt] = String(Date.parse(job.dueAt));
  writeTraceHeaders(headers, trace);
  return { key: job.event.data.id, value: JSON.stringify(job.trace === undefined ? job : withoutTrace(job)), headers };
}

function withoutTrace(job: DeliveryJob): Omit<DeliveryJob, 'trace'> {
  const { trace, ...rest } = job;
  return rest;
}

/** A job given up on, for the dead-letter topic: with the attempts made and the last error in headers. */
export function encodeDeadLetter(job: DeliveryJob): EncodedRecord {
  const record = encodeDeliveryJob({ ...job, dueAt: undefined });
  record.headers[KAFKA_HEADERS.attempts] = String(job.attempt);
  record.headers[KAFKA_HEADERS.lastError] = `${job.lastError?.code ?? ''}: ${job.lastError?.message ?? ''}`.slice(0, 4000);
  return record;
}

export function decodeDeliveryJob(value: Buffer | string | null): Decoded<DeliveryJob> {
  const json = parseJson(value);
  if (!json.ok) return json;
  const parsed = parseDeliveryJob(json.value);
  return parsed.ok ? parsed : { ok: false, reason: formatIssues(parsed.issues) };
}

/** An attempt result as a record, keyed by delivery id (a delivery's attempts stay in order). */
export function encodeAttemptResult(result: AttemptResult): EncodedRecord {
  return { key: result.deliveryId, value: JSON.stringify(result), headers: { [KAFKA_HEADERS.schema]: result.schema, [KAFKA_HEADERS.eventId]: result.eventId } };
}

export function decodeAttemptResult(value: Buffer | string | null): Decoded<AttemptResult> {
  const json = parseJson(value);
  if (!json.ok) return json;
  const parsed = parseAttemptResult(json.value);
  return parsed.ok ? parsed : { ok: false, reason: formatIssues(parsed.issues) };
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const OUTCOMES: readonly AttemptOutcome[] = ['delivered', 'retry_scheduled', 'failed', 'skipped', 'queued'];

/** Validates what the delivery log relies on; the rest (request, response, event) is taken as it is. */
export function parseAttemptResult(input: unknown): Validated<AttemptResult> {
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: '$', message: 'attempt result must be an object' }] };
  const c = new IssueCollector();
  if (input.schema !== 'attempt-result/1') c.add('schema', 'must be attempt-result/1');
  c.string(input, 'deliveryId', 'deliveryId', { max: 100 });
  // Attempt 0 is a delivery queued behind its order's head (per-order sequence), before any attempt.
  c.integer(input, 'attempt', 'attempt', { min: input.outcome === 'queued' ? 0 : 1, max: 1000 });
  c.string(input, 'triggerId', 'triggerId', { max: 100 });
  c.string(input, 'customerId', 'customerId', { max: 100 });
  c.string(input, 'eventId', 'eventId', { max: 200 });
  c.string(input, 'orderId', 'orderId', { max: 200 });
  if (!(ORDER_EVENT_TYPES as readonly unknown[]).includes(input.eventType)) c.add('eventType', 'must be one of the order event types');
  if (!(DELIVERY_CHANNELS as readonly unknown[]).includes(input.channel)) c.add('channel', `must be one of ${DELIVERY_CHANNELS.join(', ')}`);
  if (!(OUTCOMES as readonly unknown[]).includes(input.outcome)) c.add('outcome', `must be one of ${OUTCOMES.join(', ')}`);
  if (typeof input.test !== 'boolean') c.add('test', 'must be a boolean');
  if (typeof input.final !== 'boolean') c.add('final', 'must be a boolean');
  c.dateTime(input, 'startedAt', 'startedAt');
  c.dateTime(input, 'nextAttemptAt', 'nextAttemptAt', { optional: true });
  if (typeof input.durationMs !== 'number' || !(input.durationMs >= 0)) c.add('durationMs', 'must be a number ≥ 0');
  if (typeof input.endToEndMs !== 'number' || !Number.isFinite(input.endToEndMs)) c.add('endToEndMs', 'must be a number');
  if (input.traceId !== undefined && (typeof input.traceId !== 'string' || !TRACE_ID.test(input.traceId)))
    c.add('traceId', 'must be 32 lower-case hex characters');
  const error = c.object(input, 'error', 'error', { optional: true });
  if (error) {
    c.string(error, 'code', 'error.code', { max: 200 });
    c.string(error, 'message', 'error.message', { max: 100_000, min: 0 });
  }
  return c.result(input as unknown as AttemptResult);
}

function parseJson(value: Buffer | string | null): Decoded<unknown> {
  if (value === null) return { ok: false, reason: 'empty record (no value)' };
  try {
    return { ok: true, value: JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON: ${(e as Error).message}` };
  }
}
