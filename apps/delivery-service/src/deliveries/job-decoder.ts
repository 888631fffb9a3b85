import { decodeDeliveryJob, DeliveryJob, KAFKA_HEADERS, traceHeadersOf } from '@postback/contracts';
import type { ConsumedMessage, OutgoingMessage } from '@postback/kafka';

export interface DecodedBatch {
  /** The batch's jobs by key (order id): one order's jobs in order, different orders independent. */
  byOrder: DeliveryJob[][];
  /** Records that are not valid jobs, for the dead-letter topic with the reason. */
  invalid: OutgoingMessage[];
}

/**
 * Stage 1, decode: a consumed batch into jobs grouped by order, and what could not be read. A job's
 * trace context comes from the record's `traceparent` and `tracestate` headers (never its value).
 */
export function decodeBatch(messages: readonly ConsumedMessage[], onInvalid: (m: ConsumedMessage, reason: string) => void): DecodedBatch {
  const byKey = new Map<string, DeliveryJob[]>();
  const invalid: OutgoingMessage[] = [];
  for (const m of messages) {
    const decoded = decodeDeliveryJob(m.value);
    if (!decoded.ok) {
      onInvalid(m, decoded.reason);
      invalid.push({ key: m.key, value: m.value, headers: { ...m.headers, [KAFKA_HEADERS.invalidReason]: decoded.reason.slice(0, 4000) } });
      continue;
    }
    decoded.value.trace = m.headers[KAFKA_HEADERS.traceparent] === undefined ? undefined : traceHeadersOf(m.headers);
    const key = m.key ?? decoded.value.deliveryId;
    const list = byKey.get(key);
    if (list) list.push(decoded.value);
    else byKey.set(key, [decoded.value]);
  }
  return { byOrder: [...byKey.values()], invalid };
}
