import type { DeliveryJob } from './delivery-job';
import { parseDeliveryJob } from './delivery-job';
import { KAFKA_HEADERS } from './topics';
import { describe, isPlainObject } from './validation';

/**
 * Per-order sequence (a trigger with `ordering: per-order`), as records:
 *
 * - **Block** (`order-sequence/1`, on the compacted `postback.order-sequence` topic, keyed
 *   `<trigger id>|<order id>`): the order's delivery now waiting for a retry (`head`), since when,
 *   and the trigger's later jobs for that order queued behind it, in order. A tombstone: not blocked.
 * - **Release** (`sequence-release/1`, on the deliveries topic, keyed by order id like the order's
 *   jobs): the head settled (delivered or given up), or the block is past its limit. It travels
 *   the same partition as the order's jobs, so the one instance that owns that partition handles
 *   it in line with them; that instance is the only writer of the order's block.
 */
export interface SequenceBlock {
  schema: 'order-sequence/1';
  triggerId: string;
  orderId: string;
  /** The delivery being retried: the order's later deliveries of this trigger wait for it. */
  head: string;
  /** When the order started waiting (the head's first failed attempt). */
  since: string;
  /** Jobs waiting behind the head, in the order they arrived (with their trace context). */
  queued: DeliveryJob[];
}

export type ReleaseReason = 'settled' | 'limit' | 'disabled';

export interface SequenceRelease {
  schema: 'sequence-release/1';
  triggerId: string;
  orderId: string;
  /** The head it releases: ignored unless the block still waits for exactly this delivery. */
  head: string;
  /** `settled`: the head was delivered or given up; `limit`: the order waited too long; `disabled`: the trigger no longer orders per order. */
  reason: ReleaseReason;
}

export const SEQUENCE_RELEASE_SCHEMA = 'sequence-release/1';

export function sequenceKey(triggerId: string, orderId: string): string {
  return `${triggerId}|${orderId}`;
}

export function encodeSequenceBlock(block: SequenceBlock): { key: string; value: string; headers: Record<string, string> } {
  return { key: sequenceKey(block.triggerId, block.orderId), value: JSON.stringify(block), headers: { [KAFKA_HEADERS.schema]: block.schema } };
}

/** The tombstone that clears an order's block. */
export function sequenceTombstone(triggerId: string, orderId: string): { key: string; value: null } {
  return { key: sequenceKey(triggerId, orderId), value: null };
}

export function encodeSequenceRelease(release: SequenceRelease): { key: string; value: string; headers: Record<string, string> } {
  return { key: release.orderId, value: JSON.stringify(release), headers: { [KAFKA_HEADERS.schema]: release.schema } };
}

export function isSequenceRelease(headers: Record<string, string>): boolean {
  return headers[KAFKA_HEADERS.schema] === SEQUENCE_RELEASE_SCHEMA;
}

type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export function decodeSequenceRelease(value: Buffer | null): Decoded<SequenceRelease> {
  const json = parse(value);
  if (!json.ok) return json;
  const r = json.value;
  if (!isPlainObject(r) || r.schema !== SEQUENCE_RELEASE_SCHEMA) return { ok: false, reason: `not a ${SEQUENCE_RELEASE_SCHEMA} record` };
  for (const field of ['triggerId', 'orderId', 'head'] as const) {
    if (typeof r[field] !== 'string' || r[field] === '') return { ok: false, reason: `${field} must be a non-empty string, got ${describe(r[field])}` };
  }
  if (r.reason !== 'settled' && r.reason !== 'limit' && r.reason !== 'disabled') return { ok: false, reason: 'reason must be settled, limit or disabled' };
  return { ok: true, value: r as unknown as SequenceRelease };
}

/** A block record's value; a tombstone (null) is `undefined`, meaning not blocked. */
export function decodeSequenceBlock(value: Buffer | null): Decoded<SequenceBlock | undefined> {
  if (value === null) return { ok: true, value: undefined };
  const json = parse(value);
  if (!json.ok) return json;
  const b = json.value;
  if (!isPlainObject(b) || b.schema !== 'order-sequence/1') return { ok: false, reason: 'not an order-sequence/1 record' };
  if (typeof b.head !== 'string' || typeof b.triggerId !== 'string' || typeof b.orderId !== 'string' || typeof b.since !== 'string') {
    return { ok: false, reason: 'head, triggerId, orderId and since must be strings' };
  }
  if (!Array.isArray(b.queued)) return { ok: false, reason: 'queued must be a list' };
  for (const [i, job] of b.queued.entries()) {
    const parsed = parseDeliveryJob(job);
    if (!parsed.ok) return { ok: false, reason: `queued[${i}] is not a delivery job: ${parsed.issues[0]?.path} ${parsed.issues[0]?.message}` };
  }
  return { ok: true, value: b as unknown as SequenceBlock };
}

function parse(value: Buffer | null): Decoded<unknown> {
  if (value === null) return { ok: false, reason: 'empty record (no value)' };
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON: ${(e as Error).message}` };
  }
}
