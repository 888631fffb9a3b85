/**
 * Knows when a consumer that reads topics from the beginning has caught up with the end offsets
 * they had when it started: the broadcast views (the config topic) must be complete before the
 * group consumers route or deliver anything against them.
 */
export class CatchUpTracker {
  readonly caughtUp: Promise<void>;
  private readonly targets = new Map<string, bigint>();
  private done: () => void = () => undefined;

  /** `ends`: per topic, the end offset (high watermark) of each partition at start. */
  constructor(ends: ReadonlyMap<string, ReadonlyMap<number, bigint>>) {
    for (const [topic, partitions] of ends) for (const [partition, end] of partitions) if (end > 0n) this.targets.set(`${topic}:${partition}`, end);
    this.caughtUp = this.targets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.done = resolve));
  }

  /** A batch up to `lastOffset` of a partition has been handled. */
  handled(topic: string, partition: number, lastOffset: string): void {
    const key = `${topic}:${partition}`;
    const target = this.targets.get(key);
    if (target === undefined || BigInt(lastOffset) + 1n < target) return;
    this.targets.delete(key);
    if (this.targets.size === 0) this.done();
  }

  /** Partitions still behind their start-time end offsets. */
  get remaining(): number {
    return this.targets.size;
  }
}
