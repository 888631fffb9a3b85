import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DeliveryJob, KAFKA_HEADERS, OrderEvent } from '@postback/contracts';
import { KafkaProducer, OutgoingMessage } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { And, DataSource, LessThan, MoreThan, MoreThanOrEqual } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { RequestContext } from '../common/request-context';
import { ServiceConfig } from '../config/service-config';
import { DeliveryEntity } from '../deliveries/delivery.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { ReplayJobEntity } from './replay-job.entity';

const PAGE = 200;
const STALE_MS = 60_000;

/**
 * Replay: a delivery is sent again with the same delivery id (`webhook-id`, so receivers can
 * drop what they already have), as a new run with a fresh retry budget; attempts keep counting.
 * It renders with the trigger's current template and settings: a replay usually follows a fix of
 * the receiver or of the template. One delivery at once; every failed delivery of a trigger in a
 * time range as a background job with progress, resumed by another instance if this one stops.
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
    if (!delivery.eventJson) throw new ConflictError(`delivery "${deliveryId}" has no stored event to send again`);
    if (!(await this.db.manager.existsBy(TriggerEntity, { id: delivery.triggerId })))
      throw new ConflictError(`the trigger of delivery "${deliveryId}" no longer exists`);
    const [record] = this.jobs([delivery]);
    await this.producer.send(this.config.kafka.topics.deliveries, [record]);
    await this.db.transaction((m) => this.audit.record(m, 'delivery.replay', 'trigger', delivery.triggerId, { deliveryId }));
    return { deliveryId, attempt: delivery.attempts + 1 };
  }

  async startBulk(customerId: string, triggerId: string, from: Date, to: Date): Promise<ReplayJobEntity> {
    if (!(from < to)) throw new InvalidInputError('the time range is empty', [{ field: 'to', message: 'must be after from' }]);
    const trigger = await this.db.manager.findOneBy(TriggerEntity, { id: triggerId, customerId });
    if (!trigger) throw new NotFoundError('trigger', triggerId);
    const id = newId('rpl');
    await this.db.transaction(async (m) => {
      const total = await m.countBy(DeliveryEntity, { triggerId, status: 'failed', test: false, lastAttemptAt: And(MoreThanOrEqual(from), LessThan(to)) });
      await m.insert(ReplayJobEntity, { id, customerId, triggerId, from, to, status: 'queued', total, replayed: 0, createdBy: RequestContext.actor().name });
      await this.audit.record(m, 'trigger.replay', 'trigger', triggerId, { replayJobId: id, from: from.toISOString(), to: to.toISOString(), total });
    });
    setImmediate(() => void this.work());
    return this.get(id);
  }

  async get(id: string): Promise<ReplayJobEntity> {
    const job = await this.db.manager.findOneBy(ReplayJobEntity, { id });
    if (!job) throw new NotFoundError('replay', id);
    return job;
  }

  list(triggerId: string): Promise<ReplayJobEntity[]> {
    return this.db.manager.find(ReplayJobEntity, { where: { triggerId }, order: { createdAt: 'DESC' }, take: 50 });
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
          where: {
            triggerId: job.triggerId,
            status: 'failed',
            test: false,
            lastAttemptAt: And(MoreThanOrEqual(job.from), LessThan(job.to)),
            deliveryId: MoreThan(cursor),
          },
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
      this.logger.info({ replayJobId: job.id, triggerId: job.triggerId, replayed }, 'replay finished');
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
      return { key: event.data.id, value: JSON.stringify(job), headers: { [KAFKA_HEADERS.schema]: job.schema, [KAFKA_HEADERS.eventId]: event.id } };
    });
  }
}
