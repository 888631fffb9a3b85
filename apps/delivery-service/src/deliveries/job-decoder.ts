import {
  decodeDeliveryJob,
  decodeSequenceRelease,
  DeliveryJob,
  isSequenceRelease,
  KAFKA_HEADERS,
  OrderEvent,
  SequenceRelease,
  traceHeadersOf,
} from '@postback/contracts';
import type { ConsumedMessage, OutgoingMessage } from '@postback/kafka';
import { JsonText } from '@postback/templating';

export interface DecodedBatch {
  /**
   * The batch's jobs by key (order id): one order's jobs in order, different orders independent.
   * Per-order sequence releases travel with the order's jobs, in line with them.
   */
  byOrder: Array<Array<DeliveryJob | SequenceRelease>>;
  /** Records that are not valid jobs, for the dead-letter topic with the reason. */
  invalid: OutgoingMessage[];
}

/**
 * Stage 1, decode: a consumed batch into jobs grouped by order, and what could not be read. A job's
 * trace context comes from the record's `traceparent` and `tracestate` headers (never its value).
 */
export function decodeBatch(messages: readonly ConsumedMessage[], onInvalid: (m: ConsumedMessage, reason: string) => void): DecodedBatch {
  const byKey = new Map<string, Array<DeliveryJob | SequenceRelease>>();
  const invalid: OutgoingMessage[] = [];
  for (const m of messages) {
    if (isSequenceRelease(m.headers)) {
      const release = decodeSequenceRelease(m.value);
      if (release.ok) add(byKey, m.key ?? release.value.orderId, release.value);
      else {
        onInvalid(m, release.reason);
        invalid.push({ key: m.key, value: m.value, headers: { ...m.headers, [KAFKA_HEADERS.invalidReason]: release.reason.slice(0, 4000) } });
      }
      continue;
    }
    const text = m.value === null ? null : m.value.toString('utf8');
    const decoded = decodeDeliveryJob(text);
    if (!decoded.ok) {
      onInvalid(m, decoded.reason);
      invalid.push({ key: m.key, value: m.value, headers: { ...m.headers, [KAFKA_HEADERS.invalidReason]: decoded.reason.slice(0, 4000) } });
      continue;
    }
    decoded.value.trace = m.headers[KAFKA_HEADERS.traceparent] === undefined ? undefined : traceHeadersOf(m.headers);
    recordTexts.set(decoded.value, text as string);
    add(byKey, m.key ?? decoded.value.deliveryId, decoded.value);
  }
  return { byOrder: [...byKey.values()], invalid };
}

/** The text of the record each decoded job was read from (a job built in the service has none). */
const recordTexts = new WeakMap<DeliveryJob, string>();

/**
 * What the job's templates render over: its event. For a job read from a record, that is the
 * record's own text with `event` picked in the render worker, so that the event the decode already
 * parsed is not serialized again on the main thread for every render; for any other job (a retry
 * built in this process, a test), the event itself. Nothing changes a job's event after decoding.
 * The one difference from rendering `job.event`: a number JSON cannot write (`1e400`, parsed as
 * Infinity) stays Infinity where a serialized event would have had null; every producer of jobs
 * writes them with `JSON.stringify`, which never writes such a number.
 */
export function eventInput(job: DeliveryJob): OrderEvent | JsonText {
  const text = recordTexts.get(job);
  return text === undefined ? job.event : new JsonText(text, 'event');
}

/**
 * A job that waits (queued behind its order's head) renders from its event when it is released:
 * its record's text is not kept meanwhile, however long the order stays blocked.
 */
export function forgetRecordText(job: DeliveryJob): void {
  recordTexts.delete(job);
}

function add<T>(byKey: Map<string, T[]>, key: string, item: T): void {
  const list = byKey.get(key);
  if (list) list.push(item);
  else byKey.set(key, [item]);
}
