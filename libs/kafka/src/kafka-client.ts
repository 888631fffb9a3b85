import { shutdownWork } from '@postback/observability';
import { Admin, Consumer, ConsumerConfig, Kafka, KafkaConfig, logLevel, LogEntry, Producer, ProducerConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { OutgoingMessage, TopicMessages } from './messages';
import { TopicSpec } from './topic-spec';

/**
 * Default most bytes per partition in a consumer's fetch: 256 KiB rather than kafkajs's 1 MiB, which
 * let a burst hold far more records in memory than the services work on at once (the delivery
 * service's peak RSS, measured in docs/performance.md). 256 KiB is about 120 delivery jobs of 2 KB
 * per partition, more than the delivery service's concurrency cap (200) over the 3 partitions it
 * works on at a time. A record batch larger than the limit is still returned whole, also for a
 * partition that is not the first of the fetch with data (fetch-size.int-spec.ts, on the real broker).
 */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 256 * 1024;

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  /** Socket connect timeout (ms). */
  connectionTimeout?: number;
  /** Broker request timeout (ms). */
  requestTimeout?: number;
  ssl?: boolean;
  /**
   * Group session timeout of the services' consumers (KafkaTransport; ms, 30 s by default): how long
   * the group waits for a member that stopped heartbeating (crashed, cut off) before its partitions
   * go to the others. Short-lived readers (topic collector, backfill range reader) keep their own.
   */
  sessionTimeout?: number;
  /**
   * Most bytes a fetch of the services' consumers returns per partition (KafkaTransport; 256 KiB
   * by default, see DEFAULT_MAX_BYTES_PER_PARTITION). It bounds how many records a consumer holds at
   * once: a batch is processed whole before the partition's next.
   */
  maxBytesPerPartition?: number;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs every failed request at ERROR, also those it retries by design: a transaction
 * still completing (CONCURRENT_TRANSACTIONS) or a coordinator still loading. Those are lowered so
 * that an operator's ERROR lines mean something; what kafkajs finally gives up on stays an error.
 */
function levelFor(entry: LogEntry): 'error' | 'warn' | 'info' | 'debug' {
  const level = LEVEL_NAMES[entry.level] ?? 'info';
  if (level !== 'error') return level;
  const text = `${entry.log.message} ${String(entry.log.error ?? '')}`;
  if (/concurrent operation on the same transaction/i.test(text)) return 'debug';
  if (entry.namespace === 'Connection' || /coordinator (is loading|is not available)/i.test(text)) return 'warn';
  return 'error';
}

/**
 * The project's only door to Kafka: everything else uses this wrapper, never kafkajs itself.
 * Owns the client, its producers, consumers and admin connection, and closes them on shutdown.
 */
export class KafkaClient {
  private readonly kafka: Kafka;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private admin: Admin | undefined;
  private adminConnecting: Promise<Admin> | undefined;
  private readonly requestListeners: Array<(api: string) => void> = [];
  /** Also while still connecting, so that close() stops its retries. */
  private adminCreated: Admin | undefined;

  constructor(
    readonly options: KafkaConnectionOptions,
    private readonly logger: Logger,
  ) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeout ?? 3000,
      requestTimeout: options.requestTimeout ?? 30000,
      ssl: options.ssl,
      sasl: options.sasl as KafkaConfig['sasl'],
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const level = levelFor(entry);
        const { message, ...extra } = entry.log;
        this.logger[level]({ kafka: { namespace: entry.namespace, ...extra } }, `kafka: ${message}`);
      },
    };
    this.kafka = new Kafka(config);
  }

  /**
   * An idempotent producer (acks=all); pass `transactionalId` for a transactional one. It connects
   * on first use (or `connect()`), so a service can start, and answer health checks, while the
   * broker is still unreachable.
   */
  producer(options: { transactionalId?: string } = {}): KafkaProducer {
    const config: ProducerConfig = {
      idempotent: true,
      maxInFlightRequests: options.transactionalId ? 1 : 5,
      transactionalId: options.transactionalId,
      allowAutoTopicCreation: false,
      // An idempotent producer must not give up (kafkajs warns otherwise): a send waits out a broker
      // outage instead of failing, so nothing acknowledged to a caller is lost. A short first retry
      // matters for transactions: the next one often meets CONCURRENT_TRANSACTIONS for a few ms.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: options.transactionalId ? 20 : 100, maxRetryTime: 5000 },
    };
    const producer = this.kafka.producer(config);
    producer.on(producer.events.REQUEST, (e) => this.requested(e.payload.apiName));
    this.producers.add(producer);
    return new KafkaProducer(producer);
  }

  /** Hears every request this client sends to the brokers, by API name (Fetch, Produce, EndTxn, …): for metrics. */
  onRequest(listener: (api: string) => void): void {
    this.requestListeners.push(listener);
  }

  private requested(api: string): void {
    for (const l of this.requestListeners) l(api);
  }

  /** A raw consumer for the transport in this library; not for use elsewhere. */
  rawConsumer(config: ConsumerConfig): Consumer {
    const consumer = this.kafka.consumer({ allowAutoTopicCreation: false, ...config });
    consumer.on(consumer.events.REQUEST, (e) => this.requested(e.payload.apiName));
    this.consumers.add(consumer);
    return consumer;
  }

  async forgetConsumer(consumer: Consumer): Promise<void> {
    this.consumers.delete(consumer);
    await consumer.disconnect();
  }

  private async adminClient(): Promise<Admin> {
    if (this.admin) return this.admin;
    this.adminConnecting ??= (async () => {
      const admin = this.kafka.admin();
      admin.on(admin.events.REQUEST, (e) => this.requested(e.payload.apiName));
      this.adminCreated = admin;
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => {
      this.adminConnecting = undefined;
    });
    return this.adminConnecting;
  }

  /** Creates missing topics and waits for their leaders. Existing topics are left as they are. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const admin = await this.adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      // Another process may have created them in between; that is fine.
      if (!/already exists/i.test((e as Error).message)) throw e;
    }
    await this.waitForTopics(missing.map((s) => s.topic));
    return missing.map((s) => s.topic);
  }

  /** Waits until the topics have leaders for all partitions (metadata is eventually consistent). */
  async waitForTopics(topics: readonly string[], timeoutMs = 30_000): Promise<void> {
    const admin = await this.adminClient();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
        if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Current end offsets (high watermarks) per partition. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.adminClient();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /**
   * Per partition, the offset of the first record with a timestamp at or after `timestampMs`, or the
   * end offset when there is none (Kafka's offsets-for-times; records deleted by retention are not
   * there to be found, so a time before the oldest record gives the log's start).
   */
  async offsetsAtTime(topic: string, timestampMs: number): Promise<Map<number, number>> {
    const admin = await this.adminClient();
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
    return new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
  }

  /** Commits offsets for a consumer group that has no members (where its next consumer starts). */
  async setGroupOffsets(groupId: string, topic: string, partitions: ReadonlyArray<{ partition: number; offset: number }>): Promise<void> {
    const admin = await this.adminClient();
    await admin.setOffsets({ groupId, topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })) });
  }

  /** Deletes consumer groups without members (their committed offsets go with them). */
  async deleteGroups(groupIds: string[]): Promise<void> {
    const admin = await this.adminClient();
    await admin.deleteGroups(groupIds);
  }

  /** Lag of a consumer group: sum over partitions of end offset minus committed offset. */
  async groupLag(groupId: string, topics: readonly string[]): Promise<Map<string, number>> {
    const admin = await this.adminClient();
    const lag = new Map<string, number>();
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const t of committed) {
      const ends = await this.endOffsets(t.topic);
      let sum = 0;
      for (const p of t.partitions) {
        const end = ends.get(p.partition) ?? 0n;
        const at = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
        sum += Number(end - at);
      }
      lag.set(t.topic, sum);
    }
    return lag;
  }

  /**
   * A consumer group as operators see it: its state, how many members it has, and its lag per topic
   * (every topic it has committed offsets for).
   */
  async groupStatus(groupId: string): Promise<ConsumerGroupStatus> {
    const admin = await this.adminClient();
    const [{ groups }, committed] = await Promise.all([admin.describeGroups([groupId]), admin.fetchOffsets({ groupId })]);
    const group = groups[0];
    const topics: Array<{ topic: string; lag: number }> = [];
    for (const t of committed) {
      const ends = await this.endOffsets(t.topic);
      let lag = 0;
      for (const p of t.partitions) {
        const at = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
        lag += Number((ends.get(p.partition) ?? 0n) - at);
      }
      topics.push({ topic: t.topic, lag });
    }
    return { groupId, state: group?.state ?? 'Unknown', members: group?.members.length ?? 0, topics };
  }

  /** Broker reachability, for readiness checks. */
  async ping(): Promise<void> {
    const admin = await this.adminClient();
    await admin.describeCluster();
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.adminClient();
    await admin.deleteTopics({ topics });
  }

  /** Nest lifecycle hook, when the client is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.allSettled(consumers.map((c) => shutdownWork.track('kafka consumer disconnect', c.disconnect())));
    const producers = [...this.producers];
    this.producers.clear();
    // A producer's disconnect waits for its sends and transaction in flight (on a broker that does not
    // answer, longer than a shutdown may last: the service's shutdown deadline bounds it).
    await Promise.allSettled(producers.map((p) => shutdownWork.track('kafka producer: sends in flight, disconnect', p.disconnect())));
    const admin = this.adminCreated;
    this.admin = undefined;
    this.adminCreated = undefined;
    if (admin) await shutdownWork.track('kafka admin disconnect', admin.disconnect()).catch(() => undefined);
  }
}

/** Sends records; resolves once the brokers have acknowledged them (acks=all). */
export interface ConsumerGroupStatus {
  groupId: string;
  /** Kafka's group state: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead, Unknown. */
  state: string;
  members: number;
  topics: Array<{ topic: string; lag: number }>;
}

export interface MessageSink {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  sendBatch(batch: TopicMessages[]): Promise<void>;
}

export class KafkaProducer implements MessageSink {
  private connecting: Promise<void> | undefined;

  constructor(private readonly producer: Producer) {}

  /** Connects once; a failed attempt is forgotten so that the next call tries again. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e: unknown) => {
      this.connecting = undefined;
      throw e;
    });
    return this.connecting;
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    await this.producer.send({ topic, acks: -1, messages });
  }

  async sendBatch(batch: TopicMessages[]): Promise<void> {
    const topicMessages = batch.filter((t) => t.messages.length > 0);
    if (topicMessages.length === 0) return;
    await this.connect();
    await this.producer.sendBatch({ acks: -1, topicMessages });
  }

  /**
   * Sends records and commits consumer offsets in one Kafka transaction: all of it becomes
   * visible (to read_committed consumers) together, or none of it.
   */
  async commitTransaction(
    batch: TopicMessages[],
    offsets: { consumerGroupId: string; partitions: Array<{ topic: string; partition: number; offset: string }> },
  ): Promise<void> {
    await this.connect();
    const txn = await this.producer.transaction();
    try {
      const topicMessages = batch.filter((t) => t.messages.length > 0);
      if (topicMessages.length > 0) await txn.sendBatch({ acks: -1, topicMessages });
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const o of offsets.partitions) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
      if (byTopic.size > 0) {
        await txn.sendOffsets({ consumerGroupId: offsets.consumerGroupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      }
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => undefined);
      throw e;
    }
  }
}
