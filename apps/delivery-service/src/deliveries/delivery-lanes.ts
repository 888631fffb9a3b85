import { DeliveryJob, retryTopic, TopicNames, TriggerSnapshot } from '@postback/contracts';
import type { MessageSink, TopicMessages } from '@postback/kafka';
import type { ChannelResult } from '../channels/channel';
import { answerWithin } from './answer-budget';
import type { AttemptLog } from './attempt-log';
import type { KeyedSemaphore, Semaphore } from './concurrency';
import type { DeliveryMetrics } from './delivery.metrics';
import type { HostHealth } from './host-health';
import type { JobOutcome } from './job-outcome';
import { deferral } from './retry-decision';
import type { RetryPolicy } from './retry-policy';
import type { SettledDeliveries } from './settled-deliveries';

/** Main topic (first attempts, replays) or retry topics. */
export type Lane = 'main' | 'retry';

export interface LaneSettings {
  topics: TopicNames;
  /** How long a job on the main topic may hold its batch; past it the attempt goes on in the background. */
  mainTopicBudgetMs: number;
}

/**
 * Stage 5, send, in the job's lane, bounded overall and per destination host. Isolation lives here:
 *
 * - **Retry lane**: waits for a slot and for the answer, however long the trigger's timeout.
 * - **Main lane**: a host whose circuit is open, or which still owes a late answer, gets no new
 *   attempt: the job is deferred to the first retry tier. Otherwise the job waits for a host slot
 *   while the host stays healthy, then for the answer within the main-topic budget. A later answer
 *   is awaited in the background (and reported when it comes) while a hand-off job waits in the
 *   retry lane, made only if the background attempt does not settle the delivery (or the process
 *   died). So one slow or dead receiver cannot hold back the others, and nothing is lost.
 */
export class DeliveryLanes {
  private readonly slowHosts = new Map<string, number>();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly settings: LaneSettings,
    private readonly overall: Semaphore,
    private readonly perHost: KeyedSemaphore,
    private readonly hostHealth: HostHealth,
    private readonly retryPolicy: RetryPolicy,
    private readonly metrics: DeliveryMetrics,
    private readonly settled: SettledDeliveries,
    /** Where background attempts report (they finish after their batch was committed). */
    private readonly backgroundSink: MessageSink,
    private readonly recordsOf: (outcomes: JobOutcome[]) => TopicMessages[],
  ) {}

  /** A hand-off whose delivery this instance already settled: nothing to do. */
  isSettledHandoff(job: DeliveryJob): boolean {
    return !!job.handoff && this.settled.has(job.deliveryId);
  }

  /** The host takes no new main-topic attempt now: its circuit is open, or it owes a late answer. */
  holds(host: string): boolean {
    return this.hostHealth.isOpen(host) || this.slowHosts.has(host);
  }

  /** No attempt: to the first retry tier (nothing reported; the attempt number stays). */
  defer(job: DeliveryJob, log: AttemptLog): JobOutcome {
    const next = deferral(job, this.retryPolicy, this.settings.topics, Date.now());
    this.metrics.deferred.inc();
    log.info({ tier: next.tier }, 'host busy or failing: deferred to the retry lane');
    return { retry: { topic: next.topic, job: next.job } };
  }

  async send(
    lane: Lane,
    job: DeliveryJob,
    trigger: TriggerSnapshot,
    host: string,
    send: () => Promise<ChannelResult>,
    conclude: (result: ChannelResult) => JobOutcome,
    log: AttemptLog,
  ): Promise<JobOutcome> {
    if (lane === 'retry' || job.test) return conclude(await this.perHost.run(host, () => this.overall.run(send)));
    // Main topic: wait for a host slot as long as the host is healthy (a busy host frees slots
    // quickly; one that turns slow or failing meanwhile is left to the retry lane), then for an
    // answer within the budget, or the main topic moves on.
    let slot: (() => void) | undefined;
    while (!slot) {
      if (this.holds(host)) return this.defer(job, log);
      slot = await this.perHost.acquireWithin(host, this.settings.mainTopicBudgetMs);
    }
    const attempt = this.overall.run(send).finally(slot);
    const inTime = await answerWithin(attempt, this.settings.mainTopicBudgetMs);
    if (inTime) return conclude(inTime);
    // Without retries there is no second attempt to hand off to: the batch waits for this one.
    if (!trigger.retry.enabled) return conclude(await attempt);
    return this.handOff(job, trigger, host, attempt, conclude, log);
  }

  /** Waits (up to `ms`) for attempts still running in the background, e.g. before shutdown. */
  async drain(ms: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.background]), sleep(ms)]);
  }

  private handOff(
    job: DeliveryJob,
    trigger: TriggerSnapshot,
    host: string,
    attempt: Promise<ChannelResult>,
    conclude: (r: ChannelResult) => JobOutcome,
    log: AttemptLog,
  ): JobOutcome {
    this.slowHosts.set(host, (this.slowHosts.get(host) ?? 0) + 1);
    const decision = this.retryPolicy.next(1, Date.now() + (trigger.http?.timeoutMs ?? 15_000));
    const handoff: DeliveryJob = { ...job, attempt: job.attempt + 1, handoff: true, dueAt: new Date(decision.dueAt).toISOString() };
    this.metrics.handedOff.inc();
    log.info({ tier: decision.tier.name }, 'slow answer: attempt continues in the background, main topic moves on');
    const done = attempt
      .then(async (result) => {
        const outcome = conclude(result);
        // The hand-off already waits in the retry lane: it is this attempt's retry.
        if (outcome.result?.outcome === 'retry_scheduled') outcome.result.nextAttemptAt = handoff.dueAt;
        await this.backgroundSink.sendBatch(this.recordsOf([{ ...outcome, retry: undefined }]));
      })
      .catch((e: unknown) => log.error({ err: e }, 'background attempt could not report; its hand-off will retry'))
      .finally(() => {
        this.background.delete(done);
        const left = (this.slowHosts.get(host) ?? 1) - 1;
        if (left > 0) this.slowHosts.set(host, left);
        else this.slowHosts.delete(host);
      });
    this.background.add(done);
    return { retry: { topic: retryTopic(this.settings.topics, decision.tier.name), job: handoff } };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
