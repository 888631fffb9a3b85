/** Where offsets go: the consumer's commit (kafkajs `consumer.commitOffsets`). */
export type CommitOffsets = (offsets: Array<{ topic: string; partition: number; offset: string }>) => Promise<void>;

/**
 * At-least-once commits, amortised: a handled batch marks its next offset here, and the marks are
 * committed together every `intervalMs` (or once `maxPending` records are waiting), instead of one
 * offset commit per batch, each a broker request. A batch is marked only after its outcomes are
 * acknowledged, so nothing is committed before it is safe; a crash re-reads at most the interval's
 * records (duplicates carry the same delivery id). `flush()` commits now: on rebalance and stop.
 */
export class OffsetCommitter {
  private readonly marks = new Map<string, { topic: string; partition: number; offset: string }>();
  private pendingRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly commit: CommitOffsets,
    private readonly intervalMs: number,
    private readonly maxPending: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** A batch of `records` records is handled; the partition's next offset to read is `next`. */
  mark(topic: string, partition: number, next: string, records: number): void {
    this.marks.set(`${topic}:${partition}`, { topic, partition, offset: next });
    this.pendingRecords += records;
    if (this.intervalMs <= 0 || this.pendingRecords >= this.maxPending) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Commits what is marked (waits for a commit already running, then commits what came since). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.flushing) await this.flushing;
    if (this.marks.size === 0) return;
    const offsets = [...this.marks.values()];
    this.marks.clear();
    this.pendingRecords = 0;
    this.flushing = this.commit(offsets)
      .catch((e: unknown) => {
        // Not committed (a rebalance, the broker away): the next mark of a partition this consumer
        // still owns commits past it anyway; a partition it lost is read again from the last
        // committed offset by its next owner, which at-least-once allows. Never retried here, so
        // an old offset can never be committed over a newer owner's.
        this.onError(e);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  /** Forgets marks (partitions lost): their records will be read again by the next owner. */
  clear(): void {
    this.marks.clear();
    this.pendingRecords = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
