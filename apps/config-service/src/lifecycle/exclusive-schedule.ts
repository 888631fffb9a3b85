import type { Logger } from 'pino';
import { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs a housekeeping job every `intervalMs` on at most one config-service instance at a time: each
 * run first takes a MySQL named lock (GET_LOCK, on MySQL and MariaDB) without waiting, and skips
 * the round when another instance holds it. Named locks are server-wide, so the name carries the
 * database's. A failed run is logged and tried again at the next round; stop() waits for the run in
 * progress, which is expected to look at `stopping` between its batches.
 */
export class ExclusiveSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly lockName: string;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    readonly job: string,
    private readonly intervalMs: number,
    private readonly run: (isStopping: () => boolean) => Promise<void>,
    /** Each scheduled round's outcome: done, skipped (another instance held the job) or failed. */
    private readonly counted: (outcome: 'done' | 'skipped' | 'failed') => void = () => undefined,
  ) {
    this.lockName = `postback.${job}.${db.driver.database ?? ''}`.slice(0, 64);
  }

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
  async runOnce(): Promise<boolean> {
    let runner: QueryRunner | undefined;
    try {
      runner = this.db.createQueryRunner();
      const [row] = (await runner.query('SELECT GET_LOCK(?, 0) AS got', [this.lockName])) as Array<{ got: number | string | null }>;
      if (Number(row?.got) !== 1) return false;
      try {
        await this.run(() => this.stopped);
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]).catch(() => undefined);
      }
      return true;
    } finally {
      await runner?.release().catch(() => undefined);
    }
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
