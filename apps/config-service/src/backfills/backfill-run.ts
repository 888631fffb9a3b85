import { ConsumedMessage, KafkaClient, MessageSink, OutgoingMessage, PartitionRange, PartitionRangeReader, RangeBatchContext } from '@postback/kafka';
import type { Logger } from 'pino';
import { DataSource, In } from 'typeorm';
import { DeliveryEntity } from '../deliveries/delivery.entity';
import { TriggerRevisionEntity } from '../triggers/trigger-revision.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { alreadyDelivered, backfillJob, BackfillTarget, candidateOf, LoggedDelivery } from './backfill-jobs';
import { BackfillMetrics, BackfillOutcome } from './backfill.metrics';
import { planRanges } from './backfill-plan';
import { BackfillEntity } from './backfill.entity';
import { TokenBucket } from './token-bucket';

/** How often a run looks at its status and its trigger: a pause or cancel takes effect within this (and a wait for a token). */
const POLL_MS = 500;
/** Progress is written at most this often (and when the run stops). */
const PERSIST_MS = 1000;
const LOOKUP_CHUNK = 500;

export interface BackfillRunDeps {
  db: DataSource;
  kafka: KafkaClient;
  producer: MessageSink;
  deliveriesTopic: string;
  orderTopics: readonly string[];
  metrics: BackfillMetrics;
  logger: Logger;
  shuttingDown: () => boolean;
}

type StopReason = 'operator' | 'shutdown' | 'trigger-paused' | 'trigger-deleted';
type Counts = Pick<BackfillEntity, 'scanned' | 'matched' | 'produced' | 'alreadyDelivered' | 'invalid'>;

/** Records handled since the last flush: their jobs, their outcomes, the last offset. */
class Pending {
  jobs: OutgoingMessage[] = [];
  outcomes: BackfillOutcome[] = [];
  lastOffset = -1;
}

/** Consumer group of a backfill (its offsets are set from the stored positions at each start, never committed). */
export function backfillGroupId(id: string): string {
  return `postback-backfill.${id}`;
}

/**
 * One run of a backfill on this instance, under its named lock: plans the offset ranges the first
 * time, then reads them from the stored positions, routes each record as the router would (the
 * trigger's customer and live event types), leaves out what the delivery log has as delivered, and
 * produces the rest as delivery jobs at the backfill's rate. A position moves only past records
 * whose jobs the brokers acknowledged, so a run stopped anywhere (pause, crash, shutdown) goes on
 * without losing an event; what it repeats keeps its delivery id.
 */
export class BackfillRun {
  private stop: StopReason | undefined;
  private target!: BackfillTarget;
  private readonly counts: Counts;
  private readonly bucket: TokenBucket;
  private reader: PartitionRangeReader | undefined;
  private lastPersist = 0;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly deps: BackfillRunDeps,
    private readonly row: BackfillEntity,
  ) {
    const { scanned, matched, produced, alreadyDelivered: already, invalid } = row;
    this.counts = { scanned, matched, produced, alreadyDelivered: already, invalid };
    this.bucket = new TokenBucket(row.ratePerSecond);
  }

  async run(): Promise<void> {
    const { db, logger } = this.deps;
    const id = this.row.id;
    if (!(await this.refreshTarget())) return this.finishStopped();
    if (!this.row.progress) {
      this.row.progress = await this.plan();
      await db.manager.update(BackfillEntity, { id }, { progress: this.row.progress, triggerRevision: this.target.liveRevision, updatedAt: new Date() });
    }
    this.reader = new PartitionRangeReader(this.deps.kafka, backfillGroupId(id), this.row.progress);
    logger.info({ backfillId: id, triggerId: this.row.triggerId }, 'backfill running');
    const poll = setInterval(() => void this.poll(), POLL_MS);
    let outcome: 'done' | 'stopped';
    try {
      outcome = await this.reader.read(
        (records, context) => this.handle(records, context),
        () => this.stop !== undefined,
      );
    } finally {
      clearInterval(poll);
      await this.polling;
    }
    await this.persist();
    if (outcome === 'done') {
      const completed = await db.manager.update(
        BackfillEntity,
        { id, status: 'running' },
        { status: 'completed', finishedAt: new Date(), updatedAt: new Date() },
      );
      if (completed.affected === 1) logger.info({ backfillId: id, ...this.counts }, 'backfill completed');
      await this.forgetGroup();
      return;
    }
    await this.finishStopped();
  }

  /** After a stop: records what the trigger's state means for the backfill, and drops the group of one that is over. */
  private async finishStopped(): Promise<void> {
    const { db } = this.deps;
    const id = this.row.id;
    const at = new Date();
    if (this.stop === 'trigger-deleted') {
      await db.manager.update(BackfillEntity, { id, status: 'running' }, { status: 'failed', error: 'the trigger was deleted', finishedAt: at, updatedAt: at });
    } else if (this.stop === 'trigger-paused') {
      const error = 'paused because the trigger is not active (a paused trigger sends nothing): resume the backfill once the trigger is active again';
      await db.manager.update(BackfillEntity, { id, status: 'running' }, { status: 'paused', error, updatedAt: at });
    }
    const row = await db.manager.findOne(BackfillEntity, { where: { id }, select: { id: true, status: true } });
    if (row && ['canceled', 'failed', 'completed'].includes(row.status)) await this.forgetGroup();
    this.deps.logger.info({ backfillId: id, reason: this.stop, status: row?.status }, 'backfill stopped');
  }

  /** Per partition of every order topic: the offsets of the first records at or after `from` and `to`. */
  private async plan(): Promise<PartitionRange[]> {
    const { kafka, orderTopics } = this.deps;
    const ranges: PartitionRange[] = [];
    for (const topic of orderTopics) {
      const [starts, ends] = await Promise.all([kafka.offsetsAtTime(topic, this.row.from.getTime()), kafka.offsetsAtTime(topic, this.row.to.getTime())]);
      ranges.push(...planRanges(topic, starts, ends));
    }
    return ranges;
  }

  private async handle(records: ConsumedMessage[], context: RangeBatchContext): Promise<void> {
    const target = this.target;
    const candidates = records.map((r) => candidateOf(r, target));
    const logged = await this.logged(candidates.flatMap((c) => (c.outcome === 'matched' ? [c.deliveryId] : [])));
    const routedAt = new Date().toISOString();
    const pending = new Pending();
    for (const c of candidates) {
      if (this.stop) break;
      let outcome: BackfillOutcome = c.outcome === 'matched' ? 'already_delivered' : c.outcome;
      if (c.outcome === 'matched' && !alreadyDelivered(logged.get(c.deliveryId), this.row.redeliver)) {
        if (!(await this.token(pending, context))) break;
        pending.jobs.push(backfillJob(c, target, logged.get(c.deliveryId), this.row.id, routedAt));
        outcome = 'produced';
      }
      pending.outcomes.push(outcome);
      pending.lastOffset = c.offset;
      if (pending.jobs.length >= this.bucket.burst) await this.flush(pending, context);
    }
    await this.flush(pending, context);
  }

  /** Waits for a token (sending what is ready first, keeping the group membership); false when the run is to stop meanwhile. */
  private async token(pending: Pending, context: RangeBatchContext): Promise<boolean> {
    for (;;) {
      const wait = this.bucket.take();
      if (wait === 0) return true;
      await this.flush(pending, context);
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 100)));
      await context.heartbeat();
      if (this.stop) return false;
    }
  }

  /** Sends the jobs and, once the brokers have them, counts the records and moves the position past them. */
  private async flush(pending: Pending, context: RangeBatchContext): Promise<void> {
    if (pending.lastOffset < 0) return;
    await this.deps.producer.send(this.deps.deliveriesTopic, pending.jobs);
    for (const outcome of pending.outcomes) {
      this.deps.metrics.events.inc({ outcome });
      this.counts.scanned++;
      if (outcome === 'invalid') this.counts.invalid++;
      else if (outcome !== 'not_matching') this.counts.matched++;
      if (outcome === 'produced') this.counts.produced++;
      if (outcome === 'already_delivered') this.counts.alreadyDelivered++;
    }
    context.handled(pending.lastOffset);
    pending.jobs = [];
    pending.outcomes = [];
    pending.lastOffset = -1;
  }

  /** The delivery log's entries for these delivery ids. */
  private async logged(ids: string[]): Promise<Map<string, LoggedDelivery>> {
    const out = new Map<string, LoggedDelivery>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.deps.db.manager.find(DeliveryEntity, {
        where: { deliveryId: In(ids.slice(i, i + LOOKUP_CHUNK)) },
        select: { deliveryId: true, status: true, attempts: true, test: true, lastErrorCode: true },
      });
      for (const r of rows) out.set(r.deliveryId, { status: r.status, attempts: r.attempts, test: r.test, lastErrorCode: r.lastErrorCode });
    }
    return out;
  }

  /** Looks at the backfill's status and its trigger (the run stops when either says so), and writes progress now and then. */
  private poll(): Promise<void> {
    this.polling ??= (async () => {
      const row = await this.deps.db.manager.findOne(BackfillEntity, { where: { id: this.row.id }, select: { id: true, status: true } });
      if (!row || row.status !== 'running') this.stop ??= 'operator';
      else if (this.deps.shuttingDown()) this.stop ??= 'shutdown';
      else await this.refreshTarget();
      if (Date.now() - this.lastPersist >= PERSIST_MS) await this.persist();
    })()
      .catch((err: unknown) => this.deps.logger.warn({ err, backfillId: this.row.id }, 'backfill: looking at its status failed; trying again'))
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  /**
   * The trigger as it is now: its customer, its live revision's event types and the snapshot
   * revision a job must name (the delivery service waits until it has it). False, with the reason
   * to stop, when the trigger is gone or not active.
   */
  private async refreshTarget(): Promise<boolean> {
    const { db } = this.deps;
    const trigger = await db.manager.findOne(TriggerEntity, {
      where: { id: this.row.triggerId },
      select: { id: true, customerId: true, status: true, liveRevision: true, revision: true },
    });
    if (!trigger) {
      this.stop ??= 'trigger-deleted';
      return false;
    }
    if (trigger.status !== 'active' || trigger.liveRevision === null) {
      this.stop ??= 'trigger-paused';
      return false;
    }
    let eventTypes = this.target?.liveRevision === trigger.liveRevision ? this.target.eventTypes : undefined;
    if (!eventTypes) {
      const live = await db.manager.findOneByOrFail(TriggerRevisionEntity, { triggerId: trigger.id, number: trigger.liveRevision });
      eventTypes = live.config.eventTypes;
    }
    this.target = { triggerId: trigger.id, customerId: trigger.customerId, liveRevision: trigger.liveRevision, eventTypes, snapshotRevision: trigger.revision };
    return true;
  }

  private async persist(): Promise<void> {
    if (!this.reader) return;
    this.lastPersist = Date.now();
    await this.deps.db.manager.update(
      BackfillEntity,
      { id: this.row.id },
      { progress: this.reader.positions(), ...this.counts, triggerRevision: this.target.liveRevision, updatedAt: new Date() },
    );
  }

  private async forgetGroup(): Promise<void> {
    await this.deps.kafka.deleteGroups([backfillGroupId(this.row.id)]).catch(() => undefined);
  }
}
