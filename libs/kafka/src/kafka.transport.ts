import { randomUUID } from 'node:crypto';
import { CustomTransportStrategy, Server, BaseRpcContext } from '@nestjs/microservices';
import { shutdownWork } from '@postback/observability';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { BatchWindow, PartitionOffset } from './batch-window';
import { CatchUpTracker } from './catch-up-tracker';
import { splitDue } from './due-at-gate';
import { DEFAULT_MAX_BYTES_PER_PARTITION, KafkaClient, KafkaProducer, MessageSink } from './kafka-client';
import { ConsumedMessage, toConsumed } from './messages';
import { OffsetCommitter } from './offset-committer';

/**
 * How a handler's topics are consumed.
 * - `at-least-once`: a consumer group; offsets are committed after the handler's promise resolves,
 *   so whatever the handler awaited (e.g. produced outcomes) is durable first.
 * - `transactional`: as above, but the handler's sends and the consumed offsets are committed in
 *   one Kafka transaction (consume-transform-produce, exactly once inside Kafka).
 * - `broadcast`: every instance reads the whole topic from the beginning (a private group that
 *   never commits); used to build in-memory views from compacted topics. Group consumers start
 *   only once every broadcast binding has caught up with the end of its topics.
 */
export type ConsumptionMode = 'at-least-once' | 'transactional' | 'broadcast';

export interface ConsumerBinding {
  /** The pattern given to `@EventPattern` on the handler. */
  pattern: string;
  topics: string[];
  mode: ConsumptionMode;
  /** Consumer group (ignored for broadcast, which uses a private one). */
  groupId: string;
  /** Partitions processed at the same time by this instance (default 1). In transactional mode their batches share a transaction. */
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /**
   * Fetch linger (default 0: the broker answers a fetch as soon as anything is there). With a
   * linger it answers once a partition's fetch size (256 KiB by default; Kafka counts no
   * partition for more) is there or the linger has passed: under a steady trickle that
   * trades a few ms of latency for fewer, larger batches, and so fewer transactions, offset commits
   * and database writes per event. Under load fetches fill at once and nothing waits.
   */
  fetchLingerMs?: number;
  /** Where a group with no committed offsets starts (default: the earliest). */
  fromBeginning?: boolean;
  /**
   * Commit window (ms; transactional and at-least-once): under a dense stream, batches share one
   * commit (one transaction, or one produce) for up to this long; sparse traffic commits at once.
   * See BatchWindow. Default 0: the batches of one fetch share a commit, nothing waits.
   */
  windowMs?: number;
  /** At-least-once: offsets are committed every this many ms (default 0: after each batch). See OffsetCommitter. */
  commitIntervalMs?: number;
  /**
   * Delayed topics (retry tiers): the header holding when a record is due (ms since the epoch).
   * The handler gets only the due records at the head of a batch; the partition is then paused,
   * positioned on the first record not yet due, and resumed when it is. No busy loop, no sleep.
   */
  dueAtHeader?: string;
}

export interface KafkaTransportOptions {
  client: KafkaClient;
  logger: Logger;
  bindings: ConsumerBinding[];
  /** Transactional ids are `${transactionalIdPrefix}.${pattern}`: stable per instance, unique across instances. */
  transactionalIdPrefix: string;
  /** Sends for non-transactional handlers. */
  producer: KafkaProducer;
  /** Runs (and is retried) before any consumer starts, e.g. topic provisioning. */
  beforeStart?: () => Promise<void>;
}

/** What a handler receives: one fetched batch of one partition. */
export interface KafkaBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  highWatermark: string;
  /** Where to send: the transaction in transactional mode, the shared producer otherwise. */
  sink: MessageSink;
  /** Call during long work to keep the group membership alive. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: stop early. */
  isActive(): boolean;
  /** Bumped each time a consumer of this service (re)joins its group: a new generation may own other partitions. */
  generation: number;
}

export class KafkaBatchContext extends BaseRpcContext<[KafkaBatch]> {
  get batch(): KafkaBatch {
    return this.args[0];
  }
}

interface RunningBinding {
  binding: ConsumerBinding;
  consumer: Consumer;
  crashed?: string;
  caughtUp: Promise<void>;
  /** Commits what was handled and not yet committed (windows, periodic offsets). */
  flush?: () => Promise<void>;
}

/**
 * A Nest custom transport over our Kafka client: handlers stay declarative (`@EventPattern`)
 * while batching, commits, transactions and start-up order are ours. Implemented on Nest's
 * abstract `Server`, not on its Kafka transport.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private readonly running: RunningBinding[] = [];
  private stopping = false;
  /** Group joins of any consumer of this transport (replaced consumers included): only ever grows. */
  private generation = 0;
  private closing: Promise<void> | undefined;
  private startError: string | undefined;
  private readonly wakers = new Set<() => void>();
  /** Resume timers of partitions paused until their next record is due. */
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: KafkaTransportOptions) {
    super();
  }

  /**
   * Returns at once (so the service's HTTP side keeps answering) and starts the consumers in the
   * background, retrying while the broker is unreachable: broadcast views first, until they have
   * caught up with their topics, then the group consumers. Readiness reports progress.
   */
  listen(callback: (err?: unknown) => void): void {
    const missing = this.options.bindings.find((b) => !this.getHandlerByPattern(b.pattern));
    if (missing) return callback(new Error(`no @EventPattern handler for "${missing.pattern}"`));
    callback();
    void this.startWithRetries();
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.options.beforeStart?.();
        const broadcast = this.options.bindings.filter((b) => b.mode === 'broadcast');
        const groups = this.options.bindings.filter((b) => b.mode !== 'broadcast');
        for (const b of broadcast) this.running.push(await this.start(b));
        await Promise.all(this.running.map((r) => r.caughtUp));
        for (const b of groups) this.running.push(await this.start(b));
        if (this.stopping) throw new Error('stopping');
        this.startError = undefined;
        return;
      } catch (e) {
        this.startError = (e as Error).message;
        this.options.logger.warn({ err: e, attempt }, 'kafka consumers could not start; retrying');
        const running = this.running.splice(0);
        await Promise.allSettled(running.map((r) => this.options.client.forgetConsumer(r.consumer)));
        await this.pause(Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** Replaces a consumer that kafkajs stopped for good, retrying until a new one runs. */
  private async replace(entry: RunningBinding): Promise<void> {
    const log = this.options.logger.child({ consumer: entry.binding.pattern });
    await this.options.client.forgetConsumer(entry.consumer).catch(() => undefined);
    for (let attempt = 1; !this.stopping; attempt++) {
      await this.pause(Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)));
      if (this.stopping) return;
      try {
        const fresh = await this.start(entry.binding);
        const index = this.running.indexOf(entry);
        if (index >= 0) this.running[index] = fresh;
        else this.running.push(fresh);
        log.warn({ attempt }, 'kafka consumer replaced after a crash');
        return;
      } catch (e) {
        log.warn({ err: e, attempt }, 'kafka consumer could not be replaced yet; retrying');
      }
    }
  }

  /** A sleep that close() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Readiness: every consumer runs and every broadcast view has caught up. */
  problems(): string[] {
    const expected = this.options.bindings.length;
    const problems = this.running.filter((r) => r.crashed).map((r) => `${r.binding.pattern}: ${r.crashed}`);
    if (this.running.length < expected) {
      problems.push(`${expected - this.running.length} consumer(s) not started yet${this.startError ? ` (${this.startError})` : ''}`);
    }
    return problems;
  }

  /**
   * Stops consuming (idempotent: the service's shutdown calls it first, Nest again later). Batches
   * not yet started are left uncommitted (read again after the restart); open commit windows are
   * committed at once, so the batches waiting on them finish; then each consumer stops, which waits
   * for its batch in flight (committed before it returns, see eachBatch) and leaves the group.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // Not waiting for a start still retrying against an unreachable broker: the client's close()
    // disconnects whatever it created, and the start loop stops at its next step.
    const running = this.running.splice(0);
    await Promise.allSettled(running.map((r) => shutdownWork.track(`commit of ${r.binding.pattern}`, r.flush ? r.flush() : Promise.resolve())));
    await Promise.allSettled(
      running.map((r) =>
        shutdownWork.track(`consumer ${r.binding.pattern}: stopping (its batch in flight, leaving the group)`, this.options.client.forgetConsumer(r.consumer)),
      ),
    );
  }

  on(): void {
    throw new Error('KafkaTransport does not emit events');
  }

  unwrap<T>(): T {
    throw new Error('KafkaTransport has no underlying server to unwrap');
  }

  private async start(binding: ConsumerBinding): Promise<RunningBinding> {
    const handler = this.getHandlerByPattern(binding.pattern);
    if (!handler) throw new Error(`no @EventPattern handler for "${binding.pattern}"`);
    const broadcast = binding.mode === 'broadcast';
    const groupId = broadcast ? `${binding.groupId}.${randomUUID()}` : binding.groupId;
    const sessionTimeout = this.options.client.options.sessionTimeout ?? 30_000;
    // At most a third of the session timeout, as Kafka advises: two missed heartbeats are not yet a departure.
    const heartbeatInterval = Math.min(3000, Math.floor(sessionTimeout / 3));
    const maxBytesPerPartition = binding.maxBytesPerPartition ?? this.options.client.options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
    const consumer = this.options.client.rawConsumer({
      groupId,
      sessionTimeout,
      heartbeatInterval,
      maxBytesPerPartition,
      // A lingering fetch answers early once one partition's worth is there: the broker counts no
      // partition for more than its limit, so a larger minBytes could never be reached.
      ...(binding.fetchLingerMs ? { minBytes: Math.min(1024 * 1024, maxBytesPerPartition), maxWaitTimeInMs: binding.fetchLingerMs } : {}),
      readUncommitted: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    const entry: RunningBinding = { binding, consumer, caughtUp: Promise.resolve() };
    const log = this.options.logger.child({ consumer: binding.pattern, groupId });

    consumer.on(consumer.events.CRASH, (event) => {
      entry.crashed = event.payload.error.message;
      log.error({ err: event.payload.error, restart: event.payload.restart }, 'kafka consumer crashed');
      // kafkajs gives up on errors it deems non-retriable (e.g. "Failed to find group coordinator"
      // after a broker restart): a consumer must never stay down, so it is replaced.
      if (!event.payload.restart) void this.replace(entry);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.generation++;
      entry.crashed = undefined;
      log.info('kafka consumer joined its group');
    });

    let tracker: CatchUpTracker | undefined;
    if (broadcast) {
      const ends = new Map<string, Map<number, bigint>>();
      for (const topic of binding.topics) ends.set(topic, await this.options.client.endOffsets(topic));
      tracker = new CatchUpTracker(ends);
      entry.caughtUp = tracker.caughtUp;
      // A fetch holding only aborted or control records never reaches eachBatch, yet moves the
      // position: kafkajs reports it (and every other batch) here, so the tail of a topic written
      // in transactions cannot hold back the start of the group consumers.
      const caughtUp = tracker;
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => caughtUp.handled(e.payload.topic, e.payload.partition, String(e.payload.lastOffset)));
    }
    const runBatch = this.batchRunner(binding, groupId, consumer, handler, log);
    entry.flush = runBatch.flush;

    await consumer.connect();
    await consumer.subscribe({ topics: binding.topics, fromBeginning: broadcast || (binding.fromBeginning ?? true) });
    // Before the group rebalances, what this consumer has handled is committed (it may lose partitions).
    consumer.on(consumer.events.REBALANCING, () => void runBatch.flush());
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: binding.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        // Stopping: no new work; this batch is not committed, so it is read again after the restart.
        if (batch.isEmpty() || this.stopping) return;
        const messages = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
        const { ready, waiting } = binding.dueAtHeader ? splitDue(messages, binding.dueAtHeader, Date.now()) : { ready: messages, waiting: undefined };
        // Long batches (slow receivers) must not cost the group membership: heartbeat meanwhile.
        const keepAlive = setInterval(() => void payload.heartbeat().catch(() => undefined), heartbeatInterval);
        try {
          if (ready.length > 0) {
            // The next offset to read: past the batch's last record, control records (transaction
            // markers) included, unless the partition waits on a record not due yet.
            const next = waiting ? BigInt(ready[ready.length - 1].offset) + 1n : BigInt(batch.lastOffset()) + 1n;
            await runBatch.run(
              {
                topic: batch.topic,
                partition: batch.partition,
                messages: ready,
                highWatermark: batch.highWatermark,
                heartbeat: () => payload.heartbeat(),
                isActive: () => payload.isRunning() && !payload.isStale() && !this.stopping,
                generation: this.generation,
              },
              next.toString(),
            );
            payload.resolveOffset(ready[ready.length - 1].offset);
            // The consumer is stopping and leaves its group once this batch returns: commit now
            // what it handled (periodic offset commits would come too late).
            if (this.stopping) await runBatch.flush();
          }
        } finally {
          clearInterval(keepAlive);
        }
        if (waiting) {
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: waiting.message.offset });
          const resume = payload.pause();
          const timer = setTimeout(
            () => {
              this.timers.delete(timer);
              resume();
            },
            Math.max(0, waiting.dueAt - Date.now()) + 10,
          );
          this.timers.add(timer);
          return;
        }
        tracker?.handled(batch.topic, batch.partition, batch.lastOffset());
        await payload.heartbeat();
      },
    });
    log.info({ topics: binding.topics, mode: binding.mode }, 'kafka consumer started');
    return entry;
  }

  /**
   * How a batch is handled and made durable, per mode: broadcast (handled, nothing committed);
   * at-least-once (records produced, then the offsets marked for the periodic commit); transactional
   * (records and offsets in one transaction). The last two share commits through a BatchWindow.
   */
  private batchRunner(
    binding: ConsumerBinding,
    groupId: string,
    consumer: Consumer,
    handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>,
    log: Logger,
  ): { run: (batch: Omit<KafkaBatch, 'sink'>, next: string) => Promise<void>; flush: () => Promise<void> } {
    const timed = async (batch: Omit<KafkaBatch, 'sink'>, commit: () => Promise<void>) => {
      const started = performance.now();
      await commit();
      if (log.isLevelEnabled('debug')) {
        log.debug(
          {
            partition: batch.partition,
            records: batch.messages.length,
            firstRecordAgeMs: Date.now() - Number(batch.messages[0].timestamp),
            ms: Math.round(performance.now() - started),
          },
          'batch done',
        );
      }
    };
    const nextOffset = (batch: Omit<KafkaBatch, 'sink'>, next: string): PartitionOffset => ({ topic: batch.topic, partition: batch.partition, offset: next });
    const windowOptions = { maxWindowMs: binding.windowMs ?? 0, maxRecords: 5000 };

    if (binding.mode === 'broadcast') {
      return { run: (batch) => timed(batch, () => this.invoke(handler, { ...batch, sink: this.options.producer })), flush: () => Promise.resolve() };
    }
    if (binding.mode === 'transactional') {
      const producer = this.options.client.producer({ transactionalId: `${this.options.transactionalIdPrefix}.${binding.pattern}` });
      const window = new BatchWindow(
        (records, offsets) => producer.commitTransaction(records, { consumerGroupId: groupId, partitions: offsets }),
        windowOptions,
      );
      return {
        run: (batch, next) =>
          timed(batch, () => window.submit((sink) => this.invoke(handler, { ...batch, sink }), nextOffset(batch, next), batch.messages.length)),
        flush: () => window.flush(),
      };
    }
    const committer = new OffsetCommitter(
      (offsets) => consumer.commitOffsets(offsets),
      binding.commitIntervalMs ?? 0,
      5000,
      (e) => log.warn({ err: e }, 'offset commit failed; the records since the last commit may be read again'),
    );
    const window = new BatchWindow(async (records, offsets) => {
      await this.options.producer.sendBatch(records);
      for (const o of offsets) committer.mark(o.topic, o.partition, o.offset, o.records ?? 1);
    }, windowOptions);
    return {
      run: (batch, next) =>
        timed(batch, () => window.submit((sink) => this.invoke(handler, { ...batch, sink }), nextOffset(batch, next), batch.messages.length)),
      flush: async () => {
        await window.flush();
        await committer.flush();
      },
    };
  }

  private async invoke(handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>, batch: KafkaBatch): Promise<void> {
    const result: unknown = await handler(batch, new KafkaBatchContext([batch]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
