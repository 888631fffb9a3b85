import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { RequestContext } from '../common/request-context';
import { TriggerEntity } from '../triggers/trigger.entity';
import { clampedEnd } from './backfill-plan';
import { BackfillRunner } from './backfill-runner';
import { BACKFILL_RATE, StartBackfillDto } from './backfill.dto';
import { BackfillEntity, BackfillStatus } from './backfill.entity';

/** What each operator action does to a backfill, and from which statuses. */
const TRANSITIONS = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'canceled' },
} as const satisfies Record<string, { from: readonly BackfillStatus[]; to: BackfillStatus }>;

export type BackfillAction = keyof typeof TRANSITIONS;

/**
 * Backfills of a trigger: a time range of the order topics routed again through the trigger's live
 * revision (how a trigger added today gets last week's events). Started, paused, resumed and
 * canceled here, each audited; BackfillRunner does the work.
 */
@Injectable()
export class BackfillsService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly runner: BackfillRunner,
  ) {}

  async start(customerId: string, triggerId: string, input: StartBackfillDto): Promise<BackfillEntity> {
    const from = new Date(input.from);
    const requestedTo = new Date(input.to);
    const to = clampedEnd(requestedTo, new Date());
    if (!(from < requestedTo)) throw new InvalidInputError('the time range is empty', [{ field: 'to', message: 'must be after from' }]);
    if (!(from < to)) throw new InvalidInputError('the time range has not begun', [{ field: 'from', message: 'must be in the past' }]);
    const trigger = await this.trigger(customerId, triggerId);
    if (trigger.liveRevision === null)
      throw new ConflictError(`trigger "${triggerId}" has never been activated: a backfill sends with the live revision; test and activate it first`);
    if (trigger.status !== 'active')
      throw new ConflictError(`trigger "${triggerId}" is ${trigger.status}: a backfill sends only through an active trigger; resume it first`);
    const id = newId('bf');
    const redeliver = input.redeliver ?? false;
    const ratePerSecond = input.ratePerSecond ?? BACKFILL_RATE.default;
    await this.db.transaction(async (m) => {
      await m.insert(BackfillEntity, {
        id,
        customerId: trigger.customerId,
        triggerId,
        triggerRevision: trigger.liveRevision,
        from,
        to,
        redeliver,
        ratePerSecond,
        status: 'running',
        progress: null,
        createdBy: RequestContext.actor().name,
      });
      await this.audit.record(m, 'trigger.backfill', 'trigger', triggerId, {
        backfillId: id,
        from: from.toISOString(),
        to: to.toISOString(),
        redeliver,
        ratePerSecond,
        liveRevision: trigger.liveRevision,
      });
    });
    this.runner.wake();
    return this.get(customerId, triggerId, id);
  }

  async list(customerId: string, triggerId: string, limit = 20): Promise<BackfillEntity[]> {
    await this.trigger(customerId, triggerId);
    return this.db.manager.find(BackfillEntity, { where: { triggerId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }

  async get(customerId: string, triggerId: string, id: string): Promise<BackfillEntity> {
    const backfill = await this.db.manager.findOneBy(BackfillEntity, { id, triggerId, customerId });
    if (!backfill) throw new NotFoundError('backfill', id);
    return backfill;
  }

  /** Pause (the run stops within a second, its positions kept), resume (goes on from them) or cancel (for good). */
  async act(customerId: string, triggerId: string, id: string, action: BackfillAction): Promise<BackfillEntity> {
    const current = await this.get(customerId, triggerId, id);
    const { from, to } = TRANSITIONS[action];
    if (action === 'resume') {
      const trigger = await this.trigger(customerId, triggerId);
      if (trigger.status !== 'active') throw new ConflictError(`trigger "${triggerId}" is ${trigger.status}: resume the trigger first`);
    }
    const at = new Date();
    await this.db.transaction(async (m) => {
      const changed = await m.update(
        BackfillEntity,
        { id, status: In([...from]) },
        { status: to, updatedAt: at, ...(to === 'canceled' ? { finishedAt: at } : {}), ...(to === 'running' ? { error: null } : {}) },
      );
      if (changed.affected !== 1) {
        const now = (await m.findOneBy(BackfillEntity, { id }))?.status ?? current.status;
        throw new ConflictError(`backfill "${id}" is ${now}: only a ${from.join(' or ')} backfill can be ${action === 'cancel' ? 'canceled' : `${action}d`}`);
      }
      await this.audit.record(m, `trigger.backfill.${action}`, 'trigger', triggerId, { backfillId: id });
    });
    if (to === 'running') this.runner.wake();
    if (to === 'canceled' && current.status === 'paused') await this.runner.forget(id);
    return this.get(customerId, triggerId, id);
  }

  private async trigger(customerId: string, triggerId: string): Promise<TriggerEntity> {
    const trigger = await this.db.manager.findOne(TriggerEntity, {
      where: { id: triggerId, customerId },
      select: { id: true, customerId: true, status: true, liveRevision: true },
    });
    if (!trigger) throw new NotFoundError('trigger', triggerId);
    return trigger;
  }
}
