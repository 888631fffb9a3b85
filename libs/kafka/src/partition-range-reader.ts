import type { KafkaClient } from './kafka-client';
import { ConsumedMessage, toConsumed } from './messages';

/** Part of one partition to read: offsets [start, end), read up to `position` so far. */
export interface PartitionRange {
  topic: string;
  partition: number;
  start: number;
  end: number;
  /** The next offset to read; `end` (or beyond) when the range is done. */
  position: number;
}

/** What a handler is given with each batch of records. */
export interface RangeBatchContext {
  /** Everything up to and including this offset is handled: the position moves past it. */
  handled(offset: number): void;
  /** Keeps the consumer's group membership while the handler waits (e.g. for its rate limit). */
  heartbeat(): Promise<void>;
}

/**
 * Records of one partition, in offset order and inside the range; the handler calls
 * `handled(offset)` as it goes and may return early (asked to stop): what it did not mark handled
 * is read again by the next `read`.
 */
export type RangeBatchHandler = (records: ConsumedMessage[], context: RangeBatchContext) => Promise<void>;

/**
 * Reads fixed offset ranges of partitions once, from their positions, with a consumer of a group of
 * its own (kafkajs has no manual assignment): the group's offsets are set to the positions before it
 * joins, its offsets are never committed afterwards, and the positions here are the truth the caller
 * persists. Committed records only (read_committed), so an aborted transaction's records are never
 * seen; control records and aborted records move the position without reaching the handler.
 *
 * A record at or past a range's end closes that range, whatever came before it: what is missing
 * was deleted by retention.
 */
export class PartitionRangeReader {
  private readonly ranges = new Map<string, PartitionRange>();

  constructor(
    private readonly client: KafkaClient,
    private readonly groupId: string,
    ranges: readonly PartitionRange[],
  ) {
    for (const r of ranges) this.ranges.set(keyOf(r.topic, r.partition), { ...r });
  }

  /** The ranges with their current positions. */
  positions(): PartitionRange[] {
    return [...this.ranges.values()].map((r) => ({ ...r }));
  }

  done(): boolean {
    return [...this.ranges.values()].every((r) => r.position >= r.end);
  }

  /**
   * Reads until every range is done ('done') or `shouldStop` says so ('stopped', looked at every
   * `pollMs` and between batches; the handler should look at it too while it waits).
   */
  async read(handle: RangeBatchHandler, shouldStop: () => boolean, pollMs = 200): Promise<'done' | 'stopped'> {
    const open = [...this.ranges.values()].filter((r) => r.position < r.end);
    if (open.length === 0) return 'done';
    const topics = [...new Set(open.map((r) => r.topic))];
    for (const topic of topics) {
      const partitions = open.filter((r) => r.topic === topic).map((r) => ({ partition: r.partition, offset: r.position }));
      await this.client.setGroupOffsets(this.groupId, topic, partitions);
    }
    const consumer = this.client.rawConsumer({ groupId: this.groupId, readUncommitted: false, retry: { retries: 5 } });
    let settle: (outcome: 'done' | 'stopped') => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    const finished = new Promise<'done' | 'stopped'>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const check = () => {
      if (this.done()) settle('done');
      else if (shouldStop()) settle('stopped');
    };
    // Settled before it is awaited (a crash while joining) must not count as an unhandled rejection.
    finished.catch(() => undefined);
    const timer = setInterval(check, pollMs);
    try {
      consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
      // A fetch of only control records (a transaction's commit marker) or aborted ones never reaches eachBatch.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.batchSize === 0) this.advance(e.payload.topic, e.payload.partition, Number(e.payload.lastOffset) + 1);
        check();
      });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const range = this.ranges.get(keyOf(batch.topic, batch.partition));
          if (!range || range.position >= range.end) {
            payload.pause();
            return;
          }
          const inRange: ConsumedMessage[] = [];
          let pastEnd = false;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset >= range.end) {
              pastEnd = true;
              break;
            }
            if (offset >= range.position) inRange.push(toConsumed(batch.topic, batch.partition, m));
          }
          let last = -1;
          const handled = (offset: number) => {
            last = offset;
            this.advance(batch.topic, batch.partition, offset + 1);
            payload.resolveOffset(String(offset));
          };
          if (inRange.length > 0 && !shouldStop() && payload.isRunning() && !payload.isStale()) {
            try {
              await handle(inRange, { handled, heartbeat: () => payload.heartbeat() });
            } catch (e) {
              // The caller decides what a failure means; kafkajs would only try the batch again.
              fail(e);
              return;
            }
          }
          const all = inRange.length === 0 || last === Number(inRange[inRange.length - 1].offset);
          // Records before the position (a fetch from before it) are read past, never handled.
          if (inRange.length === 0 && !pastEnd) payload.resolveOffset(batch.lastOffset());
          if (all && pastEnd) {
            this.advance(batch.topic, batch.partition, range.end);
            payload.pause();
          } else if (all) {
            this.advance(batch.topic, batch.partition, Number(batch.lastOffset()) + 1);
          }
          check();
        },
      });
      for (const r of this.ranges.values()) {
        if (r.position >= r.end && topics.includes(r.topic)) consumer.pause([{ topic: r.topic, partitions: [r.partition] }]);
      }
      return await finished;
    } finally {
      clearInterval(timer);
      await this.client.forgetConsumer(consumer);
    }
  }

  private advance(topic: string, partition: number, position: number): void {
    const range = this.ranges.get(keyOf(topic, partition));
    if (range) range.position = Math.min(range.end, Math.max(range.position, position));
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
