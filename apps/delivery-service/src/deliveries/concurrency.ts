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

  /** Takes a slot if one frees up within `waitMs`; returns its release, or undefined. */
  async acquireWithin(waitMs: number): Promise<(() => void) | undefined> {
    if (this.active < this.limit) {
      this.active++;
      return () => this.release();
    }
    if (waitMs <= 0) return undefined;
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(() => this.release());
      };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        resolve(undefined);
      }, waitMs);
      this.queue.push(grant);
    });
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

  /** A slot for the key if one frees up within `waitMs` (its release also forgets an idle key), or undefined. */
  async acquireWithin(key: string, waitMs: number): Promise<(() => void) | undefined> {
    const s = this.semaphore(key);
    const release = await s.acquireWithin(waitMs);
    if (!release) {
      if (s.inUse === 0 && s.waiting === 0) this.byKey.delete(key);
      return undefined;
    }
    return () => {
      release();
      if (s.inUse === 0 && s.waiting === 0) this.byKey.delete(key);
    };
  }

  private semaphore(key: string): Semaphore {
    let s = this.byKey.get(key);
    if (!s) {
      s = new Semaphore(this.limitPerKey);
      this.byKey.set(key, s);
    }
    return s;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const s = this.semaphore(key);
    try {
      return await s.run(work);
    } finally {
      if (s.inUse === 0 && s.waiting === 0) this.byKey.delete(key);
    }
  }
}
