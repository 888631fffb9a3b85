import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DeliveryJob, encodeDeliveryJob, OrderEvent, OrderEventType } from '@postback/contracts';
import { KafkaProducer, OutgoingMessage } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { And, DataSource, FindOptionsWhere, LessThan, MoreThan, MoreThanOrEqual } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { RequestContext } from '../common/request-context';
import { ServiceConfig } from '../config/service-config';
import { CustomerEntity } from '../customers/customer.entity';
import { DeliveryEntity } from '../deliveries/delivery.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { ReplayJobEntity } from './replay-job.entity';

const PAGE = 200;

/** Which failed deliveries a bulk replay sends again: last attempt in [from, to), optionally narrowed. */
export interface ReplayFilter {
  customerId?: string;
  triggerId?: string;
  eventType?: OrderEventType;
  from: Date;
  to: Date;
}

function failedIn(job: {
  customerId: string | null;
  triggerId: string | null;
  eventType: OrderEventType | null;
  from: Date;
  to: Date;
}): FindOptionsWhere<DeliveryEntity> {
  return {
    status: 'failed',
    test: false,
    lastAttemptAt: And(MoreThanOrEqual(job.from), LessThan(job.to)),
    ...(job.customerId ? { customerId: job.customerId } : {}),
    ...(job.triggerId ? { triggerId: job.triggerId } : {}),
    ...(job.eventType ? { eventType: job.eventType } : {}),
  };
}
const STALE_MS = 60_000;

/**
 * Replay: a delivery is sent again with the same delivery id (`webhook-id`, so receivers can
 * drop what they already have), as a new run with a fresh retry budget; attempts keep counting.
 * It renders with the trigger's current template and settings: a replay usually follows a fix of
 * the receiver or of the template. One delivery at once; or every failed delivery that matches a
 * filter (customer, trigger, event type, time range) as a background job with progress, resumed by
 * another instance if this one stops.
 */
@Injectable()
export class ReplaysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private working = false;

  constructor(
    private readonly db: DataSource,
    private readonly producer: KafkaProducer,
    private readonly audit: AuditService,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.work(), 2000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async replayOne(deliveryId: string): Promise<{ deliveryId: string; attempt: number }> {
    const delivery = await this.db.manager.findOneBy(DeliveryEntity, { deliveryId });
    if (!delivery) throw new NotFoundError('delivery', deliveryId);
    if (delivery.test) throw new ConflictError('test deliveries are not replayed: run the test again');
    if (delivery.status === 'retrying')
      throw new ConflictError(`delivery "${deliveryId}" is still being retried (next attempt ${delivery.nextAttemptAt?.toISOString() ?? 'soon'})`);
    if (delivery.status === 'queued')
      throw new ConflictError(`delivery "${deliveryId}" is queued behind an earlier delivery of its order (per-order sequence)`);
    if (!delivery.eventJson) throw new ConflictError(`delivery "${deliveryId}" has no stored event to send again`);
    if (!(await this.db.manager.existsBy(TriggerEntity, { id: delivery.triggerId })))
      throw new ConflictError(`the trigger of delivery "${deliveryId}" no longer exists`);
    const [record] = this.jobs([delivery]);
    await this.producer.send(this.config.kafka.topics.deliveries, [record]);
    await this.db.transaction((m) => this.audit.record(m, 'delivery.replay', 'trigger', delivery.triggerId, { deliveryId }));
    return { deliveryId, attempt: delivery.attempts + 1 };
  }

  /** Every failed live delivery that matches the filter, replayed in the background as a job with progress. */
  async startBulk(filter: ReplayFilter): Promise<ReplayJobEntity> {
    const { from, to } = filter;
    if (!(from < to)) throw new InvalidInputError('the time range is empty', [{ field: 'to', message: 'must be after from' }]);
    let customerId = filter.customerId ?? null;
    if (filter.triggerId) {
      const trigger = await this.db.manager.findOneBy(TriggerEntity, { id: filter.triggerId, ...(customerId ? { customerId } : {}) });
      if (!trigger) throw new NotFoundError('trigger', filter.triggerId);
      customerId = trigger.customerId;
    } else if (customerId && !(await this.db.manager.existsBy(CustomerEntity, { id: customerId }))) {
      throw new NotFoundError('customer', customerId);
    }
    const id = newId('rpl');
    const job = { customerId, triggerId: filter.triggerId ?? null, eventType: filter.eventType ?? null, from, to };
    await this.db.transaction(async (m) => {
      const total = await m.countBy(DeliveryEntity, failedIn(job));
      await m.insert(ReplayJobEntity, { id, ...job, status: 'queued', total, replayed: 0, createdBy: RequestContext.actor().name });
      const details = { replayJobId: id, customerId, eventType: job.eventType, from: from.toISOString(), to: to.toISOString(), total };
      if (job.triggerId) await this.audit.record(m, 'trigger.replay', 'trigger', job.triggerId, details);
      else await this.audit.record(m, 'deliveries.replay', 'replay', id, details);
    });
    setImmediate(() => void this.work());
    return this.get(id);
  }

  async get(id: string): Promise<ReplayJobEntity> {
    const job = await this.db.manager.findOneBy(ReplayJobEntity, { id });
    if (!job) throw new NotFoundError('replay', id);
    return job;
  }

  /** The newest jobs, optionally of one customer or trigger. */
  list(q: { customerId?: string; triggerId?: string; limit?: number }): Promise<ReplayJobEntity[]> {
    const where: FindOptionsWhere<ReplayJobEntity> = {};
    if (q.customerId) where.customerId = q.customerId;
    if (q.triggerId) where.triggerId = q.triggerId;
    return this.db.manager.find(ReplayJobEntity, { where, order: { createdAt: 'DESC', id: 'DESC' }, take: q.limit ?? 50 });
  }

  /** Claims a queued job, or one whose worker stopped heartbeating, and runs it to the end. */
  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (;;) {
        const candidates = await this.db.manager.find(ReplayJobEntity, {
          where: [{ status: 'queued' }, { status: 'running', heartbeatAt: LessThan(new Date(Date.now() - STALE_MS)) }],
          take: 5,
        });
        const claimed = await this.claim(candidates);
        if (!claimed) return;
        await this.run(claimed);
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'replay worker failed; it will try again');
    } finally {
      this.working = false;
    }
  }

  private async claim(candidates: ReplayJobEntity[]): Promise<ReplayJobEntity | undefined> {
    for (const c of candidates) {
      const result = await this.db.manager.update(
        ReplayJobEntity,
        { id: c.id, status: c.status, ...(c.heartbeatAt ? { heartbeatAt: c.heartbeatAt } : {}) },
        { status: 'running', heartbeatAt: new Date() },
      );
      if (result.affected === 1) return { ...c, status: 'running' };
    }
    return undefined;
  }

  private async run(job: ReplayJobEntity): Promise<void> {
    let cursor = job.cursor ?? '';
    let replayed = job.replayed;
    try {
      for (;;) {
        const page = await this.db.manager.find(DeliveryEntity, {
          where: { ...failedIn(job), deliveryId: MoreThan(cursor) },
          order: { deliveryId: 'ASC' },
          take: PAGE,
        });
        if (page.length === 0) break;
        const withEvent = page.filter((d) => d.eventJson);
        if (withEvent.length > 0) await this.producer.send(this.config.kafka.topics.deliveries, this.jobs(withEvent));
        replayed += withEvent.length;
        cursor = page[page.length - 1].deliveryId;
        await this.db.manager.update(ReplayJobEntity, { id: job.id }, { replayed, cursor, heartbeatAt: new Date() });
      }
      await this.db.manager.update(ReplayJobEntity, { id: job.id }, { status: 'done', finishedAt: new Date(), heartbeatAt: new Date() });
      this.logger.info({ replayJobId: job.id, customerId: job.customerId, triggerId: job.triggerId, replayed }, 'replay finished');
    } catch (e) {
      await this.db.manager
        .update(ReplayJobEntity, { id: job.id }, { status: 'failed', error: (e as Error).message.slice(0, 2000), finishedAt: new Date() })
        .catch(() => undefined);
      throw e;
    }
  }

  private jobs(deliveries: DeliveryEntity[]): OutgoingMessage[] {
    const routedAt = new Date().toISOString();
    return deliveries.map((d) => {
      const event = JSON.parse(d.eventJson as string) as OrderEvent;
      const job: DeliveryJob = {
        schema: 'delivery-job/1',
        deliveryId: d.deliveryId,
        triggerId: d.triggerId,
        customerId: d.customerId,
        triggerRevision: 0,
        attempt: d.attempts + 1,
        attemptBase: d.attempts,
        routedAt,
        test: false,
        replay: true,
        event,
      };
      return encodeDeliveryJob(job);
    });
  }
}
