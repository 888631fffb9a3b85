import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { withNamedLock } from './named-lock';

/**
 * Runs a housekeeping job every `intervalMs` on at most one config-service instance at a time: each
 * run first takes a MySQL named lock (withNamedLock) without waiting, and skips the round when
 * another instance holds it. A failed run is logged and tried again at the next round; stop() waits for the run in
 * progress, which is expected to look at `stopping` between its batches.
 */
export class ExclusiveSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    readonly job: string,
    private readonly intervalMs: number,
    private readonly run: (isStopping: () => boolean) => Promise<void>,
    /** Each scheduled round's outcome: done, skipped (another instance held the job) or failed. */
    private readonly counted: (outcome: 'done' | 'skipped' | 'failed') => void = () => undefined,
  ) {}

  /** The first round after `firstDelayMs` (not at once: a start should not compete with catching up). */
  start(firstDelayMs = Math.min(this.intervalMs, 30_000)): void {
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round now (tests, and the scheduled rounds): false when another instance held the lock. */
  runOnce(): Promise<boolean> {
    return withNamedLock(this.db, `postback.${this.job}`, () => this.run(() => this.stopped));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((ran) => this.counted(ran ? 'done' : 'skipped'))
        .catch((err: unknown) => {
          this.counted('failed');
          this.logger.error({ err, job: this.job }, 'housekeeping run failed; trying again at the next round');
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
