import type { IHeaders, KafkaMessage } from 'kafkajs';

/** A record as our code sees it: key and headers as text, value as bytes (null for a tombstone). */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker or producer timestamp, milliseconds since the epoch as text. */
  timestamp: string;
}

export interface OutgoingMessage {
  key: string | null;
  /** Objects are sent as JSON; null is a tombstone. */
  value: string | Buffer | null;
  headers?: Record<string, string>;
  partition?: number;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: headersToRecord(m.headers),
    timestamp: m.timestamp,
  };
}

function headersToRecord(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Parses a record's value as JSON; returns an error reason instead of throwing. */
export function parseJsonValue(message: ConsumedMessage): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (message.value === null) return { ok: false, reason: 'empty value (tombstone)' };
  try {
    return { ok: true, value: JSON.parse(message.value.toString('utf8')) as unknown };
  } catch (e) {
    return { ok: false, reason: `value is not valid JSON: ${(e as Error).message}` };
  }
}
