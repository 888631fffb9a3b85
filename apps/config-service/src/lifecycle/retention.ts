import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { LifecycleSettings, ServiceConfig } from '../config/service-config';

export type PurgeKind = 'deliveries' | 'attempts' | 'payloads' | 'audit';

export interface PurgeSummary {
  /** Rows deleted (deliveries, attempts, audit) or emptied of their payload (payloads). */
  rows: Record<PurgeKind, number>;
  /** Statements of at most RETENTION_BATCH_SIZE rows, each its own short transaction. */
  batches: number;
  /** True when it stopped early (shutdown) and left the rest for the next run. */
  interrupted: boolean;
}

/** One customer's own periods, or the platform's (customerId undefined: everyone without their own). */
interface Scope {
  customerId?: string;
  /** Customers with their own period for this kind: left out of the platform-wide scope. */
  exclude: string[];
  days: number;
}

const DAY_MS = 86_400_000;
/** Retrying deliveries are never purged: their summary row is the delivery's state in the log. */
const SETTLED = `status IN ('delivered', 'failed', 'skipped')`;

/**
 * Deletes old rows from the delivery log and the audit log, and empties old event payloads and
 * request bodies (the delivery row stays, with its attempts' outcomes), after the periods of
 * RETENTION_* or the customer's own. It works in batches: a non-locking read picks at most
 * RETENTION_BATCH_SIZE ids along an index, then one short transaction deletes or updates exactly
 * those rows by primary key (record locks only, no gap locks), and it pauses between batches. The
 * delivery-log writer inserts other keys, so it never waits on the purge for more than one batch's
 * rows (and only for a delivery that is being purged while a late result for it arrives).
 */
@Injectable()
export class RetentionPurger {
  private readonly purged: Counter<'kind'>;
  private readonly lastCompleted: Gauge;
  private readonly lastDuration: Gauge;
  /** Payloads are emptied up to a cutoff that only moves forward: the next run starts there, not at the oldest row. */
  private readonly payloadWatermarks = new Map<string, Date>();

  constructor(
    private readonly db: DataSource,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.purged = new Counter({
      name: 'postback_retention_purged_rows_total',
      help: 'Rows the retention purge deleted (deliveries, attempts, audit) or emptied of their payload (payloads)',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.lastCompleted = new Gauge({
      name: 'postback_retention_last_completed_timestamp_seconds',
      help: 'When a retention purge last ran to its end (Unix time; 0 before the first)',
      registers: [registry],
    });
    this.lastDuration = new Gauge({
      name: 'postback_retention_last_duration_seconds',
      help: 'How long the last complete retention purge took',
      registers: [registry],
    });
  }

  private get settings(): LifecycleSettings['retention'] {
    return this.config.lifecycle.retention;
  }

  async purge(now = new Date(), isStopping: () => boolean = () => false): Promise<PurgeSummary> {
    const started = Date.now();
    const summary: PurgeSummary = { rows: { deliveries: 0, attempts: 0, payloads: 0, audit: 0 }, batches: 0, interrupted: false };
    const overrides = await this.db.query<Override[]>(
      `SELECT id, retention_deliveries_days AS deliveries, retention_payloads_days AS payloads FROM customers
        WHERE retention_deliveries_days IS NOT NULL OR retention_payloads_days IS NOT NULL`,
    );
    const deliveryDays = new Map(overrides.map((o) => [o.id, o.deliveries ?? this.settings.deliveriesDays]));
    const deliveryScopes = scopes(this.settings.deliveriesDays, overrides, (o) => o.deliveries);
    const payloadScopes = scopes(this.settings.payloadsDays, overrides, (o) => o.payloads);

    for (const scope of deliveryScopes) {
      if (scope.days === 0) continue;
      if (!(await this.purgeDeliveries(scope, new Date(now.getTime() - scope.days * DAY_MS), summary, isStopping))) return this.finish(summary, true, started);
    }
    for (const scope of payloadScopes) {
      if (scope.days === 0) continue;
      const keptDays = scope.customerId ? deliveryDays.get(scope.customerId)! : this.settings.deliveriesDays;
      if (keptDays !== 0 && scope.days >= keptDays) continue; // the rows themselves go first
      if (!(await this.purgePayloads(scope, new Date(now.getTime() - scope.days * DAY_MS), summary, isStopping))) return this.finish(summary, true, started);
    }
    if (this.settings.auditDays > 0) {
      if (!(await this.purgeAudit(new Date(now.getTime() - this.settings.auditDays * DAY_MS), summary, isStopping))) return this.finish(summary, true, started);
    }
    return this.finish(summary, false, started);
  }

  private finish(summary: PurgeSummary, interrupted: boolean, started: number): PurgeSummary {
    summary.interrupted = interrupted;
    if (!interrupted) {
      this.lastCompleted.set(Date.now() / 1000);
      this.lastDuration.set((Date.now() - started) / 1000);
    }
    const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.info({ ...summary.rows, batches: summary.batches, interrupted }, 'retention purge');
    return summary;
  }

  /** False when stopped before the end. */
  private async purgeDeliveries(scope: Scope, cutoff: Date, summary: PurgeSummary, isStopping: () => boolean): Promise<boolean> {
    const [where, params] = scopeFilter(scope);
    for (;;) {
      if (isStopping()) return false;
      const ids = await this.pick(`SELECT delivery_id AS id FROM deliveries WHERE ${where} AND ${SETTLED} AND last_attempt_at < ? LIMIT ?`, [
        ...params,
        cutoff,
        this.settings.batchSize,
      ]);
      if (ids.length === 0) return true;
      await this.db.transaction(async (m) => {
        const attempts = await m.query<{ affectedRows: number }>(`DELETE FROM delivery_attempts WHERE delivery_id IN (${marks(ids)})`, ids);
        const deliveries = await m.query<{ affectedRows: number }>(`DELETE FROM deliveries WHERE delivery_id IN (${marks(ids)})`, ids);
        this.count(summary, 'attempts', attempts.affectedRows);
        this.count(summary, 'deliveries', deliveries.affectedRows);
      });
      summary.batches++;
      if (ids.length < this.settings.batchSize) return true;
      await this.pause();
    }
  }

  private async purgePayloads(scope: Scope, cutoff: Date, summary: PurgeSummary, isStopping: () => boolean): Promise<boolean> {
    const key = scope.customerId ?? '*';
    const from = this.payloadWatermarks.get(key) ?? new Date(0);
    const [where, params] = scopeFilter(scope);
    for (;;) {
      if (isStopping()) return false;
      const ids = await this.pick(
        `SELECT delivery_id AS id FROM deliveries
          WHERE ${where} AND ${SETTLED} AND last_attempt_at >= ? AND last_attempt_at < ? AND event_json IS NOT NULL LIMIT ?`,
        [...params, from, cutoff, this.settings.batchSize],
      );
      if (ids.length > 0) {
        await this.db.transaction(async (m) => {
          const emptied = await m.query<{ affectedRows: number }>(`UPDATE deliveries SET event_json = NULL WHERE delivery_id IN (${marks(ids)})`, ids);
          await m.query(
            `UPDATE delivery_attempts SET request_body = NULL, response_excerpt = NULL
              WHERE delivery_id IN (${marks(ids)}) AND (request_body IS NOT NULL OR response_excerpt IS NOT NULL)`,
            ids,
          );
          this.count(summary, 'payloads', emptied.affectedRows);
        });
        summary.batches++;
      }
      if (ids.length < this.settings.batchSize) {
        this.payloadWatermarks.set(key, cutoff);
        return true;
      }
      await this.pause();
    }
  }

  private async purgeAudit(cutoff: Date, summary: PurgeSummary, isStopping: () => boolean): Promise<boolean> {
    for (;;) {
      if (isStopping()) return false;
      const ids = await this.pick(`SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?`, [cutoff, this.settings.batchSize]);
      if (ids.length === 0) return true;
      const deleted = await this.db.query<{ affectedRows: number }>(`DELETE FROM audit_log WHERE id IN (${marks(ids)})`, ids);
      this.count(summary, 'audit', deleted.affectedRows);
      summary.batches++;
      if (ids.length < this.settings.batchSize) return true;
      await this.pause();
    }
  }

  private async pick(sql: string, params: unknown[]): Promise<string[]> {
    return (await this.db.query<Array<{ id: string | number }>>(sql, params)).map((r) => String(r.id));
  }

  private count(summary: PurgeSummary, kind: PurgeKind, n: number): void {
    summary.rows[kind] += n;
    if (n > 0) this.purged.inc({ kind }, n);
  }

  private async pause(): Promise<void> {
    if (this.settings.batchPauseMs > 0) await new Promise((r) => setTimeout(r, this.settings.batchPauseMs));
  }
}

type Override = { id: string; deliveries: number | null; payloads: number | null };

/** The platform-wide scope (minus customers with their own period) and one scope per customer that has one. */
function scopes(days: number, overrides: Override[], own: (o: Override) => number | null): Scope[] {
  const withOwn = overrides.filter((o) => own(o) !== null);
  return [{ exclude: withOwn.map((o) => o.id), days }, ...withOwn.map((o) => ({ customerId: o.id, exclude: [], days: own(o)! }))];
}

function scopeFilter(scope: Scope): [string, unknown[]] {
  if (scope.customerId !== undefined) return ['customer_id = ?', [scope.customerId]];
  if (scope.exclude.length === 0) return ['1 = 1', []];
  return [`customer_id NOT IN (${marks(scope.exclude)})`, scope.exclude];
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(',');
}
