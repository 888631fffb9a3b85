import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TriggerEntity } from '../triggers/trigger.entity';
import { DeliveryStatsDto, FailingTriggerDto, OutcomeCountsDto, StatsWindow } from './stats.dto';

const WINDOWS: Record<StatsWindow, { seconds: number; bucketSeconds: number }> = {
  '1h': { seconds: 3600, bucketSeconds: 300 },
  '24h': { seconds: 86_400, bucketSeconds: 3600 },
};
const OUTCOMES = ['delivered', 'failed', 'retrying', 'skipped'] as const;

/**
 * Figures for the console's overview, computed from the delivery log: live deliveries by outcome
 * over time, the triggers failing most, and the dead letters waiting. Each is one aggregate query
 * on an indexed range of `last_attempt_at`.
 */
@Injectable()
export class StatsService {
  constructor(private readonly db: DataSource) {}

  async deliveries(window: StatsWindow, customerId?: string, now = new Date()): Promise<DeliveryStatsDto> {
    const { seconds, bucketSeconds } = WINDOWS[window];
    // Buckets end at the next bucket boundary after now, so the last one is the current one.
    const to = new Date(Math.ceil((now.getTime() + 1) / (bucketSeconds * 1000)) * bucketSeconds * 1000);
    const from = new Date(to.getTime() - seconds * 1000);
    const count = seconds / bucketSeconds;
    const params: unknown[] = [from, bucketSeconds, from, to];
    const rows: Array<{ bucket: string | number; status: string; n: string | number }> = await this.db.query(
      `SELECT FLOOR(TIMESTAMPDIFF(SECOND, ?, last_attempt_at) / ?) AS bucket, status, COUNT(*) AS n
         FROM deliveries
        WHERE last_attempt_at >= ? AND last_attempt_at < ? AND test = 0 ${customerId ? 'AND customer_id = ?' : ''}
        GROUP BY bucket, status`,
      customerId ? [...params, customerId] : params,
    );
    const buckets = Array.from({ length: count }, (_, i) => ({
      start: new Date(from.getTime() + i * bucketSeconds * 1000).toISOString(),
      ...emptyCounts(),
    }));
    const totals = emptyCounts();
    for (const r of rows) {
      const i = Number(r.bucket);
      const status = r.status as keyof OutcomeCountsDto;
      if (!(i >= 0 && i < count) || !OUTCOMES.includes(status)) continue;
      buckets[i][status] += Number(r.n);
      totals[status] += Number(r.n);
    }
    const [dead] = await this.db.query<Array<{ n: string | number }>>(
      `SELECT COUNT(*) AS n FROM deliveries WHERE status = 'failed' AND test = 0 ${customerId ? 'AND customer_id = ?' : ''}`,
      customerId ? [customerId] : [],
    );
    return { window, from: from.toISOString(), to: to.toISOString(), bucketSeconds, buckets, totals, deadLetters: Number(dead?.n ?? 0) };
  }

  /** Triggers with the most failed or retrying live deliveries in the window, worst first. */
  async failingTriggers(window: StatsWindow, limit: number, customerId?: string, now = new Date()): Promise<FailingTriggerDto[]> {
    const from = new Date(now.getTime() - WINDOWS[window].seconds * 1000);
    const params: unknown[] = customerId ? [from, customerId, limit] : [from, limit];
    const rows: Array<{ trigger_id: string; customer_id: string; failed: string | number; retrying: string | number; total: string | number; last_at: Date }> =
      await this.db.query(
        `SELECT trigger_id, customer_id, SUM(status = 'failed') AS failed, SUM(status = 'retrying') AS retrying, COUNT(*) AS total, MAX(last_attempt_at) AS last_at
           FROM deliveries
          WHERE last_attempt_at >= ? AND test = 0 ${customerId ? 'AND customer_id = ?' : ''}
          GROUP BY trigger_id, customer_id
         HAVING SUM(status IN ('failed', 'retrying')) > 0
          ORDER BY SUM(status IN ('failed', 'retrying')) DESC, MAX(last_attempt_at) DESC
          LIMIT ?`,
        params,
      );
    return Promise.all(
      rows.map(async (r) => {
        const trigger = await this.db.manager.findOne(TriggerEntity, { where: { id: r.trigger_id }, select: { id: true, name: true, status: true } });
        const [last] = await this.db.query<Array<{ last_error_code: string | null }>>(
          `SELECT last_error_code FROM deliveries
            WHERE trigger_id = ? AND status IN ('failed', 'retrying') AND test = 0 AND last_attempt_at >= ?
            ORDER BY last_attempt_at DESC LIMIT 1`,
          [r.trigger_id, from],
        );
        return {
          triggerId: r.trigger_id,
          customerId: r.customer_id,
          triggerName: trigger?.name ?? null,
          triggerStatus: trigger?.status ?? null,
          failed: Number(r.failed),
          retrying: Number(r.retrying),
          total: Number(r.total),
          lastErrorCode: last?.last_error_code ?? null,
          lastAttemptAt: new Date(r.last_at).toISOString(),
        };
      }),
    );
  }
}

function emptyCounts(): OutcomeCountsDto {
  return { delivered: 0, failed: 0, retrying: 0, skipped: 0 };
}
