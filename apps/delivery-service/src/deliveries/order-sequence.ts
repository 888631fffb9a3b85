import {
  decodeSequenceBlock,
  DeliveryJob,
  encodeSequenceBlock,
  encodeSequenceRelease,
  ReleaseReason,
  SequenceBlock,
  SequenceRelease,
  sequenceKey,
  sequenceTombstone,
  TriggerSnapshot,
} from '@postback/contracts';
import type { ConsumedMessage, OutgoingMessage } from '@postback/kafka';
import type { Logger } from 'pino';
import type { SequenceMetrics } from './sequence.metrics';

/** Marks this instance's own writes, so that their echo on the broadcast view is recognised. */
const WRITER_HEADER = 'x-postback-writer';
/** A block record stays under Kafka's default 1 MiB message limit: past this, the order gives up waiting. */
const MAX_BLOCK_BYTES = 900_000;
/** A limit release not acted on (e.g. sent while the owner's view lagged) is sent again after this. */
const LIMIT_RESEND_MS = 60_000;

/** What the main lane does with a job of a per-order trigger. */
export type Admission =
  | { kind: 'go' }
  /** Queued behind the order's head: the block record to write (the job is in it). */
  | { kind: 'queued'; head: string; since: string; write: OutgoingMessage }
  /** The order waited past its limit: the jobs queued so far go first, then this one; the block is cleared. */
  | { kind: 'gave-up'; released: DeliveryJob[]; write: OutgoingMessage };

/**
 * Per-order sequence for triggers with `ordering: per-order` (see docs/delivery.md). The state is
 * a view of the compacted order-sequence topic, read whole by every instance (a broadcast
 * binding, caught up before the job consumers start). Only the instance that owns an order's
 * partition of the deliveries topic writes that order's block: it queues the order's later jobs
 * while one waits for a retry, and lets them go when a release comes through the same partition.
 * The retry lane, wherever it runs, only sends releases; the limit check, on every instance, too.
 */
export class OrderSequence {
  private readonly blocks = new Map<string, SequenceBlock>();
  /** Keys this instance wrote whose echo has not come back yet: the local value is the newer. */
  private readonly pending = new Map<string, number>();
  /** Per partition of the state topic, the next offset the view will read. */
  private readonly positions = new Map<number, bigint>();
  /** Blocks whose limit release this instance already sent, by key: the head it released, and when. */
  private readonly limitSent = new Map<string, { head: string; at: number }>();
  /** Set once the job consumers run (the views caught up): the limit check waits for it. */
  private started = false;
  private writes = 0;
  private syncedGeneration = -1;

  constructor(
    private readonly instanceId: string,
    private readonly metrics: SequenceMetrics,
    private readonly logger: Logger,
    private readonly endOffsets: () => Promise<Map<number, bigint>>,
    private readonly now: () => number = Date.now,
  ) {
    metrics.watch(() => this.blocks.size);
  }

  /** Whether this job takes part in its order's sequence: live (not a test, not an operator's replay) on a per-order trigger. */
  static applies(job: DeliveryJob, trigger: TriggerSnapshot | undefined): trigger is TriggerSnapshot & { ordering: NonNullable<TriggerSnapshot['ordering']> } {
    return trigger?.ordering?.mode === 'per-order' && !job.test && !job.replay;
  }

  /** The broadcast view: records of the order-sequence topic, in order. */
  apply(messages: readonly ConsumedMessage[]): void {
    for (const m of messages) {
      this.positions.set(m.partition, BigInt(m.offset) + 1n);
      if (!m.key) continue;
      const [writer, seq] = (m.headers[WRITER_HEADER] ?? '').split('#');
      if (writer === this.instanceId) {
        if (this.pending.get(m.key) === Number(seq)) this.pending.delete(m.key);
        continue;
      }
      if (this.pending.has(m.key)) continue;
      const decoded = decodeSequenceBlock(m.value);
      if (!decoded.ok) {
        this.metrics.problems.inc({ kind: 'unreadable_record' });
        this.logger.warn({ key: m.key, offset: m.offset, reason: decoded.reason }, 'order-sequence record ignored');
        continue;
      }
      if (decoded.value) this.blocks.set(m.key, decoded.value);
      else this.blocks.delete(m.key);
    }
  }

  /**
   * After the job consumer (re)joined its group it may own partitions another instance wrote
   * blocks for: the view reads the state topic up to its end before the first batch of the new
   * generation is handled.
   */
  async sync(generation: number): Promise<void> {
    this.started = true;
    if (generation === this.syncedGeneration) return;
    let ends: Map<number, bigint>;
    try {
      ends = await this.endOffsets();
    } catch (e) {
      // Not fatal: the view is at most a moment behind; the next batch tries again.
      this.metrics.problems.inc({ kind: 'sync' });
      this.logger.warn({ err: e }, 'could not read the end of the order-sequence topic; going on with the view as it is');
      return;
    }
    for (let waited = 0; ; waited += 20) {
      const behind = [...ends].some(([p, end]) => (this.positions.get(p) ?? 0n) < end);
      if (!behind) break;
      if (waited > 10_000) {
        this.metrics.problems.inc({ kind: 'sync' });
        this.logger.warn('order-sequence view did not reach the end of its topic within 10 s: going on with what it has');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.syncedGeneration = generation;
  }

  /** Main lane, before an attempt: go, wait behind the order's head, or give up waiting (past the limit). */
  admit(job: DeliveryJob, trigger: TriggerSnapshot & { ordering: NonNullable<TriggerSnapshot['ordering']> }): Admission {
    const key = sequenceKey(job.triggerId, job.event.data.id);
    const block = this.blocks.get(key);
    if (!block || block.head === job.deliveryId) return { kind: 'go' };
    // Read again after a restart: it is already queued; the record is written again (same value).
    const queued = block.queued.some((q) => q.deliveryId === job.deliveryId) ? block.queued : [...block.queued, job];
    const waitedMs = this.now() - Date.parse(block.since);
    const overTime = waitedMs > trigger.ordering.maxWaitSeconds * 1000;
    const overCount = queued.length > trigger.ordering.maxQueued;
    const overSize = !overTime && !overCount && Buffer.byteLength(JSON.stringify({ ...block, queued })) > MAX_BLOCK_BYTES;
    if (overTime || overCount || overSize) {
      const reason = overTime ? 'time' : overCount ? 'count' : 'size';
      this.metrics.gaveUp.inc({ reason });
      this.logger.warn(
        { triggerId: job.triggerId, orderId: job.event.data.id, head: block.head, waitedMs, queued: queued.length - 1, reason },
        'per-order sequence gave up waiting: the queued deliveries go now, ahead of the one being retried',
      );
      return { kind: 'gave-up', released: queued.filter((q) => q.deliveryId !== job.deliveryId), write: this.clear(key, job.triggerId, job.event.data.id) };
    }
    this.metrics.queued.inc();
    return { kind: 'queued', head: block.head, since: block.since, write: this.write({ ...block, queued }) };
  }

  /**
   * Main lane, after an attempt: a job that now waits for a retry (or was deferred) blocks its
   * order. A head attempted again on the main topic (read again after a restart) that settled
   * now releases its order at once (its retry, when it comes, finds no block).
   */
  afterAttempt(job: DeliveryJob, retrying: boolean): { write?: OutgoingMessage; released: DeliveryJob[] } {
    const key = sequenceKey(job.triggerId, job.event.data.id);
    const block = this.blocks.get(key);
    if (!retrying) {
      if (block?.head !== job.deliveryId) return { released: [] };
      this.metrics.released.inc({ reason: 'settled' });
      return { released: block.queued, write: this.clear(key, job.triggerId, job.event.data.id) };
    }
    if (block?.head === job.deliveryId) return { released: [] };
    const since = new Date(this.now()).toISOString();
    return {
      released: [],
      write: this.write({ schema: 'order-sequence/1', triggerId: job.triggerId, orderId: job.event.data.id, head: job.deliveryId, since, queued: [] }),
    };
  }

  /**
   * Main lane, a release: when it names the order's head, the block is cleared and its queued
   * jobs are returned, to be handled now in order (the first to wait for a retry blocks again).
   */
  release(release: SequenceRelease, trigger: TriggerSnapshot | undefined): { jobs: DeliveryJob[]; write?: OutgoingMessage } {
    const key = sequenceKey(release.triggerId, release.orderId);
    const block = this.blocks.get(key);
    if (!block || block.head !== release.head) return { jobs: [] };
    // A limit or disabled release holds only if this owner's own view agrees (the sender's may lag).
    if (release.reason !== 'settled' && (!trigger || !releaseReason(trigger, Date.parse(block.since), this.now()))) return { jobs: [] };
    this.metrics.released.inc({ reason: release.reason });
    const waitedMs = this.now() - Date.parse(block.since);
    if (release.reason === 'limit') {
      this.metrics.gaveUp.inc({ reason: 'time' });
      this.logger.warn(
        { triggerId: release.triggerId, orderId: release.orderId, head: block.head, waitedMs, queued: block.queued.length, reason: release.reason },
        'per-order sequence gave up waiting: the queued deliveries go now, ahead of the one being retried',
      );
    }
    return { jobs: block.queued, write: this.clear(key, release.triggerId, release.orderId) };
  }

  /** Retry lane: the head settled (delivered, failed for good, or settled by its background attempt): let its order go on. */
  settled(job: DeliveryJob): OutgoingMessage {
    return encodeSequenceRelease({
      schema: 'sequence-release/1',
      triggerId: job.triggerId,
      orderId: job.event.data.id,
      head: job.deliveryId,
      reason: 'settled',
    });
  }

  /**
   * Blocks past their trigger's wait limit (or whose trigger no longer orders per order): a
   * release for each, once per head. Every instance sends them; the owner applies the first.
   */
  overdue(trigger: (id: string) => TriggerSnapshot | undefined): OutgoingMessage[] {
    const out: OutgoingMessage[] = [];
    if (!this.started) return out;
    const now = this.now();
    for (const [key, block] of this.blocks) {
      const sent = this.limitSent.get(key);
      if (sent?.head === block.head && now - sent.at < LIMIT_RESEND_MS) continue;
      // A trigger this view does not know (yet) is left alone: unknown is not "no longer per order".
      const t = trigger(block.triggerId);
      if (!t) continue;
      const reason = releaseReason(t, Date.parse(block.since), now);
      if (!reason) continue;
      out.push(encodeSequenceRelease({ schema: 'sequence-release/1', triggerId: block.triggerId, orderId: block.orderId, head: block.head, reason }));
      this.limitSent.set(key, { head: block.head, at: now });
    }
    for (const key of this.limitSent.keys()) if (!this.blocks.has(key)) this.limitSent.delete(key);
    return out;
  }

  /** A send of limit releases failed: they are sent again at the next check. */
  forgetSentLimits(): void {
    this.metrics.problems.inc({ kind: 'limit_send' });
    this.limitSent.clear();
  }

  blocked(triggerId: string, orderId: string): SequenceBlock | undefined {
    return this.blocks.get(sequenceKey(triggerId, orderId));
  }

  private clear(key: string, triggerId: string, orderId: string): OutgoingMessage {
    this.blocks.delete(key);
    return this.stamp(key, sequenceTombstone(triggerId, orderId));
  }

  private write(block: SequenceBlock): OutgoingMessage {
    const record = encodeSequenceBlock(block);
    this.blocks.set(record.key, block);
    return this.stamp(record.key, record);
  }

  private stamp(key: string, record: { key: string; value: string | null; headers?: Record<string, string> }): OutgoingMessage {
    const seq = ++this.writes;
    this.pending.set(key, seq);
    return { ...record, headers: { ...record.headers, [WRITER_HEADER]: `${this.instanceId}#${seq}` } };
  }
}

/**
 * Why an order blocked since `since` may stop waiting now: its trigger no longer orders per order
 * (`disabled`), or it has waited past the trigger's limit (`limit`); undefined: it waits on. The
 * limit check and the owner applying a release both ask, so a release sent on a lagging view
 * changes nothing.
 */
export function releaseReason(trigger: TriggerSnapshot, since: number, now: number): ReleaseReason | undefined {
  if (trigger.ordering?.mode !== 'per-order') return 'disabled';
  return now - since > trigger.ordering.maxWaitSeconds * 1000 ? 'limit' : undefined;
}
