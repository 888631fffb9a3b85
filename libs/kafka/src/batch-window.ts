import type { MessageSink } from './kafka-client';
import type { OutgoingMessage, TopicMessages } from './messages';

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
  /** Records consumed up to it in this window. */
  records?: number;
}

/**
 * Makes a window's records and consumed offsets durable: one Kafka transaction (records and
 * offsets together, exactly once), or one produce request followed by marking the offsets for the
 * at-least-once commit.
 */
export type CommitWindow = (records: TopicMessages[], offsets: PartitionOffset[]) => Promise<void>;

export interface BatchWindowOptions {
  /**
   * Under load, how long a window stays open for more batches (ms). 0 commits every batch (or
   * group of concurrent batches) at once.
   */
  maxWindowMs: number;
  /** A window this large is committed at once, whatever its age. */
  maxRecords: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Window {
  records: Map<string, OutgoingMessage[]>;
  offsets: Map<string, PartitionOffset>;
  recordCount: number;
  openedAt: number;
  committed: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Consume-and-produce with fewer commits. A commit costs broker requests (a transaction about ten,
 * and a marker in every partition it wrote; a produce one, plus its offset commit), so one per
 * fetched batch dominates the broker's work at a steady trickle, where batches hold an event or
 * two. Here the batches of a fetch cycle add their records and offsets to an open window, which is
 * committed when it is old enough, large enough, or at once when traffic is sparse:
 *
 * - **Adaptive.** The input rate is tracked across fetch cycles; while a window would gather a couple
 *   more records in `maxWindowMs`, it stays open that long (the partitions' next fetches wait for it,
 *   and so find more records at the broker: larger batches, fewer commits per event); when traffic
 *   is sparser (a quiet stream) it is committed at once, so a lone event waits for nothing.
 * - **Guarantees unchanged.** `submit` resolves once its batch is committed, so a batch's handler,
 *   and its partition's next fetch, wait for it; records and the offsets that consumed them are
 *   committed together (transactional) or the offsets after the records (at least once).
 * - A failed commit fails every batch in it: the transport restarts the consumer from the committed
 *   offsets, so nothing is skipped.
 */
export class BatchWindow {
  private open: Window | undefined;
  private committing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Start of the current fetch cycle (batches of one fetch arrive within a millisecond). */
  private cycleStart = 0;
  private cycleRecords = 0;
  /** Moving average of the input rate, records per ms. */
  private rate = 0;
  private readonly now: () => number;

  constructor(
    private readonly commitWindow: CommitWindow,
    private readonly options: BatchWindowOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs `work` with a sink that buffers into the open window, adds the batch's offset, and
   * resolves once the window holding them is committed.
   */
  async submit(work: (sink: MessageSink) => Promise<void>, offset: PartitionOffset, consumed = 1): Promise<void> {
    const buffered: TopicMessages[] = [];
    const sink: MessageSink = {
      send: (topic, messages) => {
        buffered.push({ topic, messages });
        return Promise.resolve();
      },
      sendBatch: (batch) => {
        buffered.push(...batch);
        return Promise.resolve();
      },
    };
    await work(sink);
    const window = this.add(buffered, offset, consumed);
    return window.committed;
  }

  /** Commits the open window now (on rebalance or stop). */
  async flush(): Promise<void> {
    while (this.committing) await this.committing.catch(() => undefined);
    if (this.open) await this.commitOpen().catch(() => undefined);
  }

  private add(records: TopicMessages[], offset: PartitionOffset, consumed: number): Window {
    const now = this.now();
    if (this.cycleStart === 0 || now - this.cycleStart >= 1) {
      // A new fetch cycle: the last one's records over the time since it began give the input rate.
      if (this.cycleStart > 0) this.rate = 0.7 * this.rate + 0.3 * (this.cycleRecords / (now - this.cycleStart));
      this.cycleStart = now;
      this.cycleRecords = 0;
    }
    this.cycleRecords += consumed;
    const window = (this.open ??= newWindow(now));
    for (const t of records) {
      if (t.messages.length === 0) continue;
      const list = window.records.get(t.topic);
      if (list) list.push(...t.messages);
      else window.records.set(t.topic, [...t.messages]);
      window.recordCount += t.messages.length;
    }
    const key = `${offset.topic}:${offset.partition}`;
    window.offsets.set(key, { ...offset, records: (window.offsets.get(key)?.records ?? 0) + consumed });
    this.schedule(window);
    return window;
  }

  private schedule(window: Window): void {
    if (this.committing) return; // committed as soon as the running commit ends
    // Worth waiting only if the window would likely gather a couple more records meanwhile.
    const dense = this.rate * this.options.maxWindowMs >= 2;
    const due = dense && window.recordCount < this.options.maxRecords ? window.openedAt + this.options.maxWindowMs : this.now();
    if (this.timer) clearTimeout(this.timer);
    // Even "now" waits for the turn of the event loop: batches of one fetch arrive together.
    this.timer = setTimeout(() => void this.commitOpen().catch(() => undefined), Math.max(0, due - this.now()));
  }

  private async commitOpen(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const window = this.open;
    if (!window || this.committing) return;
    this.open = undefined;
    const records = [...window.records].map(([topic, messages]) => ({ topic, messages }));
    this.committing = this.commitWindow(records, [...window.offsets.values()]);
    try {
      await this.committing;
      window.resolve();
    } catch (e) {
      window.reject(e);
      throw e;
    } finally {
      this.committing = undefined;
      // Batches that arrived meanwhile: their window is due by its own schedule, or now if late.
      if (this.open) this.schedule(this.open);
    }
  }
}

function newWindow(now: number): Window {
  let resolve: () => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A window nobody awaits any more must not become an unhandled rejection.
  committed.catch(() => undefined);
  return { records: new Map(), offsets: new Map(), recordCount: 0, openedAt: now, committed, resolve, reject };
}
