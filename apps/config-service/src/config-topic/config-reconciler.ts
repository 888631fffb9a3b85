import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { configKey, parseConfigRecord } from '@postback/contracts';
import { KafkaClient, TopicCollector, TopicProvisioner } from '@postback/kafka';
import { LOGGER, shutdownWork } from '@postback/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { TriggerEntity } from '../triggers/trigger.entity';
import { ConfigPublisher } from './config-publisher';

export interface ReconcileSummary {
  republished: string[];
  tombstoned: string[];
}

/**
 * Brings the config topic back in line with MySQL at start: a trigger the topic lacks, or holds
 * at an older revision, is published again; a trigger the topic has but MySQL does not (a restored
 * database, a topic from another installation) gets a tombstone. Through the outbox, like every
 * other change. Harmless when both already agree, and when changes happen meanwhile.
 */
@Injectable()
export class ConfigReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Set when the service stops: a reconciliation still retrying gives up instead of holding the process. */
  private stopping = false;
  private running: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaClient,
    private readonly topics: TopicProvisioner,
    private readonly publisher: ConfigPublisher,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.reconcileWithRetries();
  }

  /** Stops retrying, and lets a reconciliation under way end before the Kafka client closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await shutdownWork.track('config topic reconciliation', this.running);
  }

  private async reconcileWithRetries(): Promise<void> {
    for (let attempt = 1; attempt <= 20 && !this.stopping; attempt++) {
      try {
        const summary = await this.reconcile();
        if (summary.republished.length + summary.tombstoned.length > 0) this.logger.warn(summary, 'config topic reconciled with the database');
        return;
      } catch (e) {
        if (this.stopping) return;
        this.logger.warn({ err: e, attempt }, 'config topic reconciliation failed; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(30_000, 1000 * attempt));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /**
   * `settleMs`: only rows and records older than this are compared, so that changes still on their
   * way through the outbox are not published twice.
   */
  async reconcile(settleMs = 30_000): Promise<ReconcileSummary> {
    const cutoff = Date.now() - settleMs;
    await this.topics.ensure();
    const topic = this.config.kafka.topics.config;
    const ends = await this.kafka.endOffsets(topic);
    const collector = await new TopicCollector(this.kafka, [topic]).start();
    const inTopic = new Map<string, { revision: number | null; at: number }>();
    try {
      await collector.waitFor(
        (messages) => {
          const reached = new Map<number, bigint>();
          for (const m of messages) reached.set(m.partition, BigInt(m.offset) + 1n);
          return [...ends].every(([p, end]) => end === 0n || (reached.get(p) ?? 0n) >= end);
        },
        60_000,
        'the end of the config topic',
      );
      for (const m of collector.messages) {
        const r = parseConfigRecord(m.key, m.value);
        if (r.kind === 'trigger') inTopic.set(r.id, { revision: r.snapshot.revision, at: Number(m.timestamp) });
        else if (r.kind === 'trigger-deleted') inTopic.set(r.id, { revision: null, at: Number(m.timestamp) });
      }
    } finally {
      await collector.stop();
    }
    const triggers = await this.db.manager.find(TriggerEntity, { select: { id: true, revision: true, updatedAt: true } });
    const inDb = new Set(triggers.map((t) => t.id));
    const republish = triggers.filter((t) => t.updatedAt.getTime() < cutoff && (inTopic.get(t.id)?.revision ?? -1) < t.revision).map((t) => t.id);
    const tombstone = [...inTopic].filter(([id, r]) => r.revision !== null && r.at < cutoff && !inDb.has(id)).map(([id]) => id);
    if (republish.length + tombstone.length > 0) {
      await this.db.transaction(async (m) => {
        for (const id of republish) await this.publisher.publishTrigger(m, id);
        for (const id of tombstone) await this.publisher.publishTriggerDeleted(m, id);
      });
      this.publisher.flush();
    }
    return { republished: republish, tombstoned: tombstone.map((id) => configKey.trigger(id)) };
  }
}
