/**
 * What a stopping process is still waiting for, by name: the parts that stop (consumers, producers,
 * background work) wrap their shutdown steps in `track`, and a shutdown that runs out of time logs
 * `pending()`, so an operator reads what did not finish. One per process (a service is one process).
 */
class ShutdownWork {
  private readonly waiting = new Map<number, string>();
  private next = 0;
  private deadline: number | undefined;

  /** The shutdown began, and must be over by `timeoutMs` from now. */
  begin(timeoutMs: number): void {
    this.deadline = Date.now() + timeoutMs;
  }

  /** Time left before the hard deadline (Infinity when no shutdown is running, e.g. in tests). */
  remainingMs(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - Date.now());
  }

  /** Names `work` as pending until it settles; returns it unchanged. */
  track<T>(what: string, work: Promise<T>): Promise<T> {
    const id = this.next++;
    this.waiting.set(id, what);
    return work.finally(() => this.waiting.delete(id));
  }

  pending(): string[] {
    return [...this.waiting.values()];
  }

  /** For tests. */
  reset(): void {
    this.waiting.clear();
    this.deadline = undefined;
  }
}

export const shutdownWork = new ShutdownWork();
