import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { ExclusiveSchedule } from './exclusive-schedule';
import { FailureStreakDetector } from './failure-streaks';
import { RetentionPurger } from './retention';

/** The config service's housekeeping: auto-pause of failing triggers and retention, each on one instance at a time. */
@Injectable()
export class LifecycleJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly autoPause: ExclusiveSchedule;
  readonly retention: ExclusiveSchedule;
  private readonly enabled: { autoPause: boolean; retention: boolean };

  constructor(
    db: DataSource,
    config: ServiceConfig,
    streaks: FailureStreakDetector,
    purger: RetentionPurger,
    @Inject(LOGGER) logger: Logger,
    registry: Registry,
  ) {
    const { autoPauseCheckIntervalMs, retention } = config.lifecycle;
    const runs = new Counter({
      name: 'postback_housekeeping_runs_total',
      help: 'Scheduled housekeeping rounds (job: auto-pause, retention) by outcome: done, skipped (another instance held the job), failed',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    });
    const counted = (job: string) => (outcome: string) => runs.inc({ job, outcome });
    this.autoPause = new ExclusiveSchedule(
      db,
      logger,
      'auto-pause',
      autoPauseCheckIntervalMs,
      async () => void (await streaks.pauseStreaks()),
      counted('auto-pause'),
    );
    this.retention = new ExclusiveSchedule(
      db,
      logger,
      'retention',
      retention.intervalMs,
      async (isStopping) => void (await purger.purge(new Date(), isStopping)),
      counted('retention'),
    );
    this.enabled = { autoPause: config.lifecycle.autoPauseAfterMs > 0, retention: retention.deliveriesDays + retention.payloadsDays + retention.auditDays > 0 };
  }

  onApplicationBootstrap(): void {
    if (this.enabled.autoPause) this.autoPause.start();
    if (this.enabled.retention) this.retention.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.autoPause.stop(), this.retention.stop()]);
  }
}
