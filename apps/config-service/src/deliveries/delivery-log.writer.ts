import { Injectable } from '@nestjs/common';
import { AttemptOutcome, AttemptResult, decodeAttemptResult } from '@postback/contracts';
import { ConsumedMessage } from '@postback/kafka';
import { DataSource } from 'typeorm';
import { DeliveryStatus } from './delivery.entity';

const STATUS: Record<AttemptOutcome, DeliveryStatus> = {
  delivered: 'delivered',
  failed: 'failed',
  retry_scheduled: 'retrying',
  skipped: 'skipped',
  queued: 'queued',
};
const MAX_TEXT = 16 * 1024;
const MAX_BODY = 256 * 1024;

export interface WriteSummary {
  attempts: number;
  unreadable: number;
  /** Live deliveries the receiver answered 410 Gone: their triggers are to be paused. */
  gone: Array<{ triggerId: string; deliveryId: string }>;
}

/**
 * Writes attempt results from the results topic into the delivery log, a batch per statement.
 * Idempotent: a result seen twice (at-least-once) changes nothing, and a delivery's summary row
 * only moves forward (a lower attempt number never overwrites a higher one). Portable SQL:
 * `INSERT … ON DUPLICATE KEY UPDATE` with VALUES(), which MySQL 8 and MariaDB both accept.
 */
@Injectable()
export class DeliveryLogWriter {
  constructor(private readonly db: DataSource) {}

  async write(messages: readonly ConsumedMessage[]): Promise<WriteSummary> {
    const results: AttemptResult[] = [];
    let unreadable = 0;
    for (const m of messages) {
      const r = readResult(m);
      if (r) results.push(r);
      else unreadable++;
    }
    if (results.length === 0) return { attempts: 0, unreadable, gone: [] };
    await this.db.transaction(async (m) => {
      const attemptRows = results.map((r) => [
        r.deliveryId,
        r.attempt,
        r.outcome,
        new Date(r.startedAt),
        r.durationMs,
        Math.round(r.endToEndMs),
        r.request?.url ?? null,
        r.request?.method ?? null,
        r.request?.bytes ?? null,
        r.request?.body?.slice(0, MAX_BODY) ?? null,
        r.request?.headers ? JSON.stringify(r.request.headers) : null,
        r.response?.status ?? null,
        r.response ? JSON.stringify(r.response.headers) : null,
        r.response?.bodyExcerpt.slice(0, MAX_TEXT) ?? null,
        r.error?.code.slice(0, 64) ?? null,
        r.error?.message.slice(0, MAX_TEXT) ?? null,
        r.nextAttemptAt ? new Date(r.nextAttemptAt) : null,
        r.traceId ?? null,
      ]);
      await m.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, outcome, started_at, duration_ms, end_to_end_ms, request_url, request_method, request_bytes,
           request_body, request_headers, status_code, response_headers, response_excerpt, error_code, error_message, next_attempt_at, trace_id)
         VALUES ${placeholders(attemptRows.length, 18)}
         ON DUPLICATE KEY UPDATE delivery_id = delivery_id`,
        attemptRows.flat(),
      );
      // One summary row per delivery: the highest attempt of this batch decides.
      const latest = new Map<string, AttemptResult>();
      const first = new Map<string, Date>();
      const eventOf = new Map<string, string>();
      for (const r of results) {
        if (r.event && !eventOf.has(r.deliveryId)) eventOf.set(r.deliveryId, JSON.stringify(r.event));
        const seen = latest.get(r.deliveryId);
        if (!seen || r.attempt >= seen.attempt) latest.set(r.deliveryId, r);
        const at = new Date(r.startedAt);
        const f = first.get(r.deliveryId);
        if (!f || at < f) first.set(r.deliveryId, at);
      }
      const rows = [...latest.values()].map((r) => [
        r.deliveryId,
        r.triggerId,
        r.customerId,
        r.eventId,
        r.eventType,
        r.orderId,
        r.channel,
        STATUS[r.outcome],
        r.attempt,
        r.test,
        first.get(r.deliveryId),
        new Date(r.startedAt),
        r.nextAttemptAt ? new Date(r.nextAttemptAt) : null,
        r.response?.status ?? null,
        r.error?.code.slice(0, 64) ?? null,
        eventOf.get(r.deliveryId) ?? null,
      ]);
      await m.query(
        `INSERT INTO deliveries (delivery_id, trigger_id, customer_id, event_id, event_type, order_id, channel, status, attempts, test,
           first_attempt_at, last_attempt_at, next_attempt_at, last_status_code, last_error_code, event_json)
         VALUES ${placeholders(rows.length, 16)}
         ON DUPLICATE KEY UPDATE
           status = IF(VALUES(attempts) >= attempts, VALUES(status), status),
           next_attempt_at = IF(VALUES(attempts) >= attempts, VALUES(next_attempt_at), next_attempt_at),
           last_status_code = IF(VALUES(attempts) >= attempts, VALUES(last_status_code), last_status_code),
           last_error_code = IF(VALUES(attempts) >= attempts, VALUES(last_error_code), last_error_code),
           last_attempt_at = IF(VALUES(attempts) >= attempts, VALUES(last_attempt_at), last_attempt_at),
           first_attempt_at = LEAST(first_attempt_at, VALUES(first_attempt_at)),
           attempts = GREATEST(attempts, VALUES(attempts)),
           event_json = COALESCE(event_json, VALUES(event_json))`,
        rows.flat(),
      );
    });
    const gone = results.filter((r) => r.error?.code === 'GONE' && !r.test).map((r) => ({ triggerId: r.triggerId, deliveryId: r.deliveryId }));
    return { attempts: results.length, unreadable, gone };
  }
}

function placeholders(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill('?').join(',')})`;
  return new Array(rows).fill(row).join(',');
}

function readResult(m: ConsumedMessage): AttemptResult | undefined {
  const decoded = decodeAttemptResult(m.value);
  return decoded.ok ? decoded.value : undefined;
}
