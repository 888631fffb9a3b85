import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource, IsNull, Not } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { ConflictError, NotFoundError } from '../common/domain.errors';
import { CustomerEntity } from '../customers/customer.entity';
import { DeliveryObjectiveDto, objectiveOf } from '../customers/customer.dto';
import { SlaMissDto, SlaReportDto, SlaWindowDto } from './sla.dto';

const HISTORY_WINDOWS = 24;
const MISSED_LIMIT = 20;

interface Counts {
  within: number;
  late: number;
  failed: number;
  pending: number;
}

/**
 * Per-customer delivery objectives, measured on the delivery log. A live delivery counts in the
 * window its first attempt falls in; it meets the objective when it was delivered with an
 * end-to-end time (event occurredAt to the successful attempt) within the deadline. Failed
 * deliveries and those delivered late miss it; a delivery still retrying counts as late once its
 * deadline has passed and is left out before that. Skipped and test deliveries do not count.
 */
@Injectable()
export class SlaService {
  private gaugesAt = 0;

  constructor(
    private readonly db: DataSource,
    config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    registry: Registry,
  ) {
    const failures = new Counter({
      name: 'postback_customer_sla_refresh_failures_total',
      help: 'Computations of the per-customer SLA gauges that failed (MySQL unreachable?); the last values stay',
      registers: [registry],
    });
    // Scrapes within this long of the last computation reuse it: each would otherwise query MySQL per customer.
    const cacheMs = config.lifecycle.slaGaugeRefreshMs;
    const compliance = new Gauge({
      name: 'postback_customer_sla_compliance_ratio',
      help: "Share of a customer's decided live deliveries in the current window that met its objective (only customers with an objective, and deliveries decided)",
      labelNames: ['customer'],
      registers: [registry],
      collect: () => refresh(),
    });
    const objective = new Gauge({
      name: 'postback_customer_sla_objective_ratio',
      help: "The share a customer's objective asks for (only customers with an objective)",
      labelNames: ['customer'],
      registers: [registry],
      collect: () => refresh(),
    });
    const decided = new Gauge({
      name: 'postback_customer_sla_decided_deliveries',
      help: "Live deliveries decided in a customer's current SLA window (only customers with an objective)",
      labelNames: ['customer'],
      registers: [registry],
      collect: () => refresh(),
    });
    // Whichever of the three is collected first computes all three; a scrape meanwhile waits for the same round, and
    // scrapes soon after reuse it.
    let round: Promise<void> | undefined;
    const compute = async (): Promise<void> => {
      const customers = await this.db.manager.find(CustomerEntity, { where: { slaPercent: Not(IsNull()) } });
      const now = new Date();
      const values = [];
      for (const c of customers) {
        const o = objectiveOf(c);
        if (o) values.push({ customer: c.id, o, w: await this.window(c.id, o, new Date(now.getTime() - o.windowMinutes * 60_000), now) });
      }
      compliance.reset();
      objective.reset();
      decided.reset();
      for (const { customer, o, w } of values) {
        objective.set({ customer }, o.percent / 100);
        decided.set({ customer }, w.decided);
        if (w.compliancePercent !== null) compliance.set({ customer }, w.compliancePercent / 100);
      }
    };
    const refresh = (): Promise<void> => {
      if (!round && Date.now() - this.gaugesAt >= cacheMs) {
        this.gaugesAt = Date.now();
        round = compute()
          .catch((err: unknown) => {
            failures.inc();
            logger.warn({ err }, 'could not compute the per-customer SLA gauges; the last values stay');
          })
          .finally(() => (round = undefined));
      }
      return round ?? Promise.resolve();
    };
  }

  async report(customerId: string, now = new Date()): Promise<SlaReportDto> {
    const customer = await this.db.manager.findOneBy(CustomerEntity, { id: customerId });
    if (!customer) throw new NotFoundError('customer', customerId);
    const objective = objectiveOf(customer);
    if (!objective) {
      throw new ConflictError(`customer "${customerId}" has no delivery objective: set deliveryObjective with PATCH /customers/${customerId}`, [
        { field: 'deliveryObjective', message: 'is not set' },
      ]);
    }
    const windowMs = objective.windowMinutes * 60_000;
    const current = await this.window(customerId, objective, new Date(now.getTime() - windowMs), now);
    const breaches: SlaWindowDto[] = [];
    for (let i = 1; i <= HISTORY_WINDOWS; i++) {
      const to = new Date(now.getTime() - i * windowMs);
      const w = await this.window(customerId, objective, new Date(to.getTime() - windowMs), to);
      if (!w.met) breaches.push(w);
    }
    return { customerId, objective, current, breaches, missed: await this.missed(customerId, objective, new Date(now.getTime() - windowMs), now) };
  }

  private async window(customerId: string, o: DeliveryObjectiveDto, from: Date, to: Date): Promise<SlaWindowDto> {
    const deadlineMs = o.withinSeconds * 1000;
    const [row] = await this.db.query<Array<Record<keyof Counts, string | number | null>>>(
      `SELECT SUM(d.status = 'delivered' AND a.end_to_end_ms <= ?) AS within,
              SUM((d.status = 'delivered' AND (a.end_to_end_ms IS NULL OR a.end_to_end_ms > ?)) OR (d.status = 'retrying' AND d.first_attempt_at < ?)) AS late,
              SUM(d.status = 'failed') AS failed,
              SUM(d.status = 'retrying' AND d.first_attempt_at >= ?) AS pending
         FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.delivery_id AND a.attempt = d.attempts
        WHERE d.customer_id = ? AND d.last_attempt_at >= ? AND d.first_attempt_at >= ? AND d.first_attempt_at < ?
          AND d.test = 0 AND d.status <> 'skipped'`,
      [deadlineMs, deadlineMs, new Date(to.getTime() - deadlineMs), new Date(to.getTime() - deadlineMs), customerId, from, from, to],
    );
    const counts: Counts = {
      within: Number(row?.within ?? 0),
      late: Number(row?.late ?? 0),
      failed: Number(row?.failed ?? 0),
      pending: Number(row?.pending ?? 0),
    };
    const decided = counts.within + counts.late + counts.failed;
    const compliancePercent = decided === 0 ? null : Math.round((counts.within / decided) * 100_000) / 1000;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      decided,
      withinObjective: counts.within,
      late: counts.late,
      failed: counts.failed,
      pending: counts.pending,
      compliancePercent,
      met: compliancePercent === null || compliancePercent >= o.percent,
    };
  }

  private async missed(customerId: string, o: DeliveryObjectiveDto, from: Date, to: Date): Promise<SlaMissDto[]> {
    const deadlineMs = o.withinSeconds * 1000;
    const rows = await this.db.query<
      Array<{
        delivery_id: string;
        trigger_id: string;
        event_type: string;
        order_id: string;
        status: string;
        first_attempt_at: Date;
        end_to_end_ms: string | null;
      }>
    >(
      `SELECT d.delivery_id, d.trigger_id, d.event_type, d.order_id, d.status, d.first_attempt_at, IF(d.status = 'delivered', a.end_to_end_ms, NULL) AS end_to_end_ms
         FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.delivery_id AND a.attempt = d.attempts
        WHERE d.customer_id = ? AND d.last_attempt_at >= ? AND d.first_attempt_at >= ? AND d.first_attempt_at < ? AND d.test = 0
          AND (d.status = 'failed' OR (d.status = 'delivered' AND (a.end_to_end_ms IS NULL OR a.end_to_end_ms > ?)) OR (d.status = 'retrying' AND d.first_attempt_at < ?))
        ORDER BY d.first_attempt_at DESC LIMIT ?`,
      [customerId, from, from, to, deadlineMs, new Date(to.getTime() - deadlineMs), MISSED_LIMIT],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      triggerId: r.trigger_id,
      eventType: r.event_type,
      orderId: r.order_id,
      status: r.status,
      firstAttemptAt: new Date(r.first_attempt_at).toISOString(),
      endToEndMs: r.end_to_end_ms === null ? null : Number(r.end_to_end_ms),
    }));
  }
}
