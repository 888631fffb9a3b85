import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { KafkaClient, KafkaProducer } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { withNamedLock } from '../lifecycle/named-lock';
import { BackfillMetrics } from './backfill.metrics';
import { backfillGroupId, BackfillRun } from './backfill-run';
import { BackfillEntity } from './backfill.entity';

/** How often running backfills are looked for (one that is not running anywhere is taken over within this). */
const DISCOVER_MS = 2000;
/** Backfills one instance runs at once; more wait their turn (still `running`, without progress). */
const MAX_RUNS = 2;
/** After a run failed (broker or database unreachable), it is tried again after this. */
const RETRY_AFTER_MS = 10_000;

/**
 * Runs the backfills whose status is `running`, each on one config-service instance at a time (a
 * MySQL named lock per backfill, held by the run's own connection: an instance that dies releases
 * it, and another one resumes from the stored positions). A failed run leaves the backfill
 * running, with the error shown, and is tried again.
 */
@Injectable()
export class BackfillRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly runs = new Map<string, Promise<void>>();
  private readonly failedAt = new Map<string, number>();
  private discovering = false;
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaClient,
    private readonly producer: KafkaProducer,
    private readonly config: ServiceConfig,
    private readonly metrics: BackfillMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), DISCOVER_MS);
    this.timer.unref();
  }

  /** Stops the runs in progress; each writes its positions first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.runs.values()]);
  }

  /** Looks for backfills to run now (after a start or a resume), instead of at the next round. */
  wake(): void {
    void this.discover();
  }

  /** Drops the consumer group of a backfill that will not run again (best effort: an empty group with old offsets is harmless). */
  async forget(id: string): Promise<void> {
    await this.kafka.deleteGroups([backfillGroupId(id)]).catch(() => undefined);
  }

  private async discover(): Promise<void> {
    if (this.discovering || this.stopping) return;
    this.discovering = true;
    try {
      const running = await this.db.manager.find(BackfillEntity, { where: { status: 'running' }, order: { createdAt: 'ASC' }, take: 50 });
      for (const row of running) {
        if (this.runs.size >= MAX_RUNS) break;
        if (this.runs.has(row.id) || Date.now() - (this.failedAt.get(row.id) ?? 0) < RETRY_AFTER_MS) continue;
        this.runs.set(
          row.id,
          this.runLocked(row).finally(() => this.runs.delete(row.id)),
        );
      }
    } catch (err) {
      this.logger.warn({ err }, 'looking for backfills to run failed; trying again');
    } finally {
      this.discovering = false;
    }
  }

  private async runLocked(row: BackfillEntity): Promise<void> {
    try {
      await withNamedLock(this.db, `postback.backfill.${row.id}`, async () => {
        // Read again under the lock: another instance may have moved it on, or finished it.
        const current = await this.db.manager.findOneBy(BackfillEntity, { id: row.id, status: 'running' });
        if (!current) return;
        if (current.error) await this.db.manager.update(BackfillEntity, { id: row.id }, { error: null });
        this.metrics.running.inc();
        try {
          await new BackfillRun(
            {
              db: this.db,
              kafka: this.kafka,
              producer: this.producer,
              deliveriesTopic: this.config.kafka.topics.deliveries,
              orderTopics: this.config.orderTopics,
              metrics: this.metrics,
              logger: this.logger,
              shuttingDown: () => this.stopping,
            },
            { ...current, error: null },
          ).run();
        } finally {
          this.metrics.running.dec();
        }
      });
      this.failedAt.delete(row.id);
    } catch (err) {
      this.failedAt.set(row.id, Date.now());
      this.metrics.runFailures.inc();
      this.logger.warn({ err, backfillId: row.id }, 'backfill run failed; trying again');
      const error = `interrupted, trying again: ${(err as Error).message}`.slice(0, 2000);
      await this.db.manager.update(BackfillEntity, { id: row.id, status: 'running' }, { error, updatedAt: new Date() }).catch(() => undefined);
    }
  }
}
