import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KafkaProducer, TopicProvisioner } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource, QueryRunner } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { OutboxRecordEntity } from './outbox-record.entity';

/**
 * Publishes outbox records to Kafka in id order, then deletes them. One relay at a time across
 * all config-service instances holds a MySQL named lock (GET_LOCK, on MySQL and MariaDB); the
 * others stand by. A record is deleted only after the broker acknowledged it (acks=all), so a
 * crash in between publishes it again: at least once, in order, never before its commit.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private runner: QueryRunner | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private loop: Promise<void> | undefined;
  private readonly published: Counter;
  private leader = false;
  /** Named locks are server-wide in MySQL: the database name keeps installations sharing a server apart. */
  private readonly lockName: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: KafkaProducer,
    private readonly topics: TopicProvisioner,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.published = new Counter({ name: 'postback_outbox_published_total', help: 'Outbox records published to Kafka', registers: [registry] });
    this.lockName = `postback.outbox.${new URL(config.databaseUrl).pathname.slice(1)}`.slice(0, 64);
    const db = dataSource;
    new Gauge({
      name: 'postback_outbox_pending',
      help: 'Outbox records not yet published to Kafka',
      registers: [registry],
      async collect() {
        const rows = (await db.query('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox').catch(() => undefined)) as
          Array<{ n: string | number; oldest: Date | null }> | undefined;
        if (rows?.[0]) this.set(Number(rows[0].n));
      },
    });
    new Gauge({
      name: 'postback_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox record not yet published (0 when none)',
      registers: [registry],
      async collect() {
        const rows = (await db.query('SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) AS age FROM outbox').catch(() => undefined)) as
          Array<{ age: string | number | null }> | undefined;
        if (rows?.[0]) this.set(rows[0].age === null ? 0 : Number(rows[0].age) / 1e6);
      },
    });
    const relay = () => this.leader;
    new Gauge({
      name: 'postback_outbox_relay_leader',
      help: '1 on the config-service instance that publishes the outbox, 0 on the others',
      registers: [registry],
      collect() {
        this.set(relay() ? 1 : 0);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.releaseRunner();
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Publishes everything pending now (used by tests and shutdown); returns how many were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (await this.holdLock()) {
          await this.topics.ensure();
          this.nudged = false;
          const n = await this.publishBatch();
          failures = 0;
          if (n >= this.config.outbox.batchSize) continue;
        }
      } catch (e) {
        failures++;
        this.logger.warn({ err: e, failures }, 'outbox relay could not publish; will retry');
        await this.releaseRunner();
      }
      const delay = failures > 0 ? Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) : this.config.outbox.pollIntervalMs;
      await this.sleep(delay);
    }
  }

  private async holdLock(): Promise<boolean> {
    if (this.runner && this.leader) return true;
    if (!this.runner) {
      this.runner = this.dataSource.createQueryRunner();
      await this.runner.connect();
    }
    const rows = (await this.runner.query('SELECT GET_LOCK(?, 0) AS acquired', [this.lockName])) as Array<{ acquired: number | string | null }>;
    this.leader = Number(rows[0]?.acquired) === 1;
    if (this.leader) this.logger.info('outbox relay is the leader');
    return this.leader;
  }

  private async publishBatch(): Promise<number> {
    const runner = this.runner;
    if (!runner) return 0;
    const records = await runner.manager.find(OutboxRecordEntity, { order: { id: 'ASC' }, take: this.config.outbox.batchSize });
    if (records.length === 0) return 0;
    const byTopic = new Map<string, Array<{ key: string; value: string | null }>>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: r.payload });
      byTopic.set(r.topic, list);
    }
    await this.producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    // Exactly the ids sent: a lower id still uncommitted when we read must stay for the next poll.
    await runner.query(
      `DELETE FROM outbox WHERE id IN (${records.map(() => '?').join(',')})`,
      records.map((r) => r.id),
    );
    this.published.inc(records.length);
    return records.length;
  }

  private async releaseRunner(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    this.leader = false;
    if (runner && !runner.isReleased) {
      await runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]).catch(() => undefined);
      await runner.release().catch(() => undefined);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
