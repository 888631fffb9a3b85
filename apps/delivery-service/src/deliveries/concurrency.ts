/** A counting semaphore: at most `limit` holders; others wait in FIFO order. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

/** One semaphore per key (destination host), created on demand, dropped when idle. */
export class KeyedSemaphore {
  private readonly byKey = new Map<string, Semaphore>();

  constructor(private readonly limitPerKey: number) {}

  /** All of the key's slots are taken (a new request would wait). */
  isFull(key: string): boolean {
    const s = this.byKey.get(key);
    return s !== undefined && s.inUse >= this.limitPerKey;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let s = this.byKey.get(key);
    if (!s) {
      s = new Semaphore(this.limitPerKey);
      this.byKey.set(key, s);
    }
    try {
      return await s.run(work);
    } finally {
      if (s.inUse === 0 && s.waiting === 0) this.byKey.delete(key);
    }
  }
}
