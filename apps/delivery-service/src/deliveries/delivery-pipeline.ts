import { DeliveryJob, SequenceRelease, TopicNames, traceIdOf, TriggerSnapshot } from '@postback/contracts';
import type { ConsumedMessage, TopicMessages } from '@postback/kafka';
import { Context, endSpan, remoteContext, shutdownWork, Span, SpanKind, spanContextOf, startSpan, tracingOn } from '@postback/observability';
import type { Logger } from 'pino';
import type { ChannelResult, DeliveryChannel } from '../channels/channel';
import { AttemptLog } from './attempt-log';
import { AttemptResults, BaseResult } from './attempt-results';
import type { DeliveryLanes, Lane } from './delivery-lanes';
import type { DeliveryMetrics } from './delivery.metrics';
import type { HostHealth } from './host-health';
import { decodeBatch, forgetRecordText } from './job-decoder';
import type { JobOutcome } from './job-outcome';
import { OrderSequence } from './order-sequence';
import { outcomeRecords } from './outcome-records';
import type { PayloadRenderer } from './payload-renderer';
import { decide } from './retry-decision';
import type { RetryPolicy } from './retry-policy';
import type { SigningSecrets } from './signing-secrets';
import type { TriggerResolver } from './trigger-resolver';

type SequencedTrigger = TriggerSnapshot & { ordering: NonNullable<TriggerSnapshot['ordering']> };

/** The stages of a delivery, each in its own file; the pipeline only runs them in order. */
export interface PipelineStages {
  resolver: TriggerResolver;
  renderer: PayloadRenderer;
  secrets: SigningSecrets;
  lanes: DeliveryLanes;
  results: AttemptResults;
  hostHealth: HostHealth;
  retryPolicy: RetryPolicy;
  sequence: OrderSequence;
  metrics: DeliveryMetrics;
  topics: TopicNames;
  logger: Logger;
}

/**
 * One delivery job, followed as a reader would:
 *
 * 1. **decode** the batch (job-decoder): jobs grouped by order; unreadable records dead-lettered;
 * 2. **resolve the trigger** (trigger-resolver): the revision the router matched, still active;
 * 3. **render** the template (payload-renderer), and let the channel **prepare** (the email subject);
 * 4. **sign** with the trigger's current secrets (signing-secrets);
 * 5. **send** through the channel, in the job's lane (delivery-lanes: concurrency, isolation);
 * 6. **classify** the answer (the channel's own verdicts) and **decide** what follows
 *    (retry-decision: nothing, a retry on a delay tier, or a dead letter);
 * 7. **build the result** (attempt-results) and the records to produce (outcome-records).
 *
 * Jobs of one order run in order; different orders run concurrently. An attempt never throws:
 * anything unexpected becomes a failed result, so no job can wedge its partition. A trigger with
 * `ordering: per-order` keeps its order's later jobs queued while one waits for a retry
 * (order-sequence: admitted, queued, or let go by a release that follows the order's jobs).
 *
 * Tracing: the attempt belongs to the trace of the job's `traceparent` (a new one when it has
 * none). With tracing on it is a `postback.deliver` span, with the render and the send (HTTP
 * client or email) as its children; off, the job's `traceparent` is passed on as it is. Either
 * way the trace id is in the attempt's log lines and its result (the delivery log).
 */
export class DeliveryPipeline {
  constructor(private readonly s: PipelineStages) {}

  /** The per-order sequence's state topic (its records are produced after the batch's others). */
  get sequenceTopic(): string {
    return this.s.topics.orderSequence;
  }

  /**
   * Nest hook: once the consumers have stopped and before connections close, let background attempts
   * report (their hand-offs, already committed to a retry topic, cover the rest), within the
   * shutdown's time left.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await shutdownWork.track('background delivery attempts reporting', this.s.lanes.drain(Math.min(5000, shutdownWork.remainingMs() - 1500)));
  }

  /**
   * A consumed batch; returns the records to produce before its offsets are committed. `generation`
   * (the consumer's group generation): on the main topic, the first batch of a new one waits until
   * the per-order sequence view has read its topic to the end (partitions may have moved here).
   */
  async processBatch(messages: readonly ConsumedMessage[], lane: Lane, generation = 0): Promise<TopicMessages[]> {
    const { byOrder, invalid } = decodeBatch(messages, (m, reason) => {
      this.s.metrics.jobsInvalid.inc();
      this.s.logger.error({ topic: m.topic, partition: m.partition, offset: m.offset, reason }, 'invalid delivery job dead-lettered');
    });
    if (lane === 'main') await this.s.sequence.sync(generation);
    const outcomes: JobOutcome[] = [];
    await Promise.all(
      byOrder.map(async (items) => {
        for (const item of items) {
          if (item.schema === 'sequence-release/1') await this.released(item, outcomes);
          else await this.run(item, lane, outcomes);
        }
      }),
    );
    return outcomeRecords(outcomes, invalid, this.s.topics);
  }

  /** A job, in its order's sequence when its trigger keeps one; its outcomes go to `out`. */
  private async run(job: DeliveryJob, lane: Lane, out: JobOutcome[]): Promise<void> {
    const found = this.sequenced(job);
    const trigger = found instanceof Promise ? await found : found;
    if (!trigger) {
      out.push(await this.handle(job, lane));
      return;
    }
    if (lane === 'retry') {
      // The head (or a job that was one) settled: its order goes on. Ignored unless it is still the head.
      const outcome = await this.handle(job, lane);
      if (!outcome.retry) outcome.sequenceRelease = this.s.sequence.settled(job);
      out.push(outcome);
      return;
    }
    const admission = this.s.sequence.admit(job, trigger);
    if (admission.kind === 'queued') {
      forgetRecordText(job);
      const log = new AttemptLog(this.s.logger, { deliveryId: job.deliveryId, eventId: job.event.id, triggerId: job.triggerId, attempt: 0 });
      out.push({ result: this.s.results.queued(job, trigger, admission.head, admission.since, log), sequenceState: [admission.write] });
      return;
    }
    if (admission.kind === 'gave-up') {
      out.push({ sequenceState: [admission.write] });
      for (const queued of admission.released) await this.run(queued, 'main', out);
      await this.run(job, lane, out);
      return;
    }
    const outcome = await this.handle(job, lane);
    const after = this.s.sequence.afterAttempt(job, !!outcome.retry);
    if (after.write) outcome.sequenceState = [after.write];
    out.push(outcome);
    for (const queued of after.released) await this.run(queued, 'main', out);
  }

  /** A release on the main topic: the order's queued jobs go now, in order (the first to need a retry blocks the rest again). */
  private async released(release: SequenceRelease, out: JobOutcome[]): Promise<void> {
    const { jobs, write } = this.s.sequence.release(release, this.s.resolver.known(release.triggerId));
    if (write) out.push({ sequenceState: [write] });
    for (const job of jobs) await this.run(job, 'main', out);
  }

  /**
   * The job's trigger when the job takes part in a per-order sequence. Synchronous when this view
   * has the revision the router matched (the usual case: no promise per job); otherwise it waits
   * for it, as the resolver does.
   */
  private sequenced(job: DeliveryJob): SequencedTrigger | undefined | Promise<SequencedTrigger | undefined> {
    if (job.test || job.replay) return undefined;
    const known = this.s.resolver.known(job.triggerId);
    if (known && known.revision >= job.triggerRevision) return OrderSequence.applies(job, known) ? known : undefined;
    return this.s.resolver.resolve(job).then((r) => (OrderSequence.applies(job, r.trigger) ? r.trigger : undefined));
  }

  /** One job, never throwing. */
  async handle(job: DeliveryJob, lane: Lane): Promise<JobOutcome> {
    const startedAt = new Date();
    const span = tracingOn() ? deliverSpan(job, lane) : undefined;
    const context = span ? spanContextOf(span) : undefined;
    const traceId = span ? span.spanContext().traceId : traceIdOf(job.trace?.traceparent);
    const log = new AttemptLog(this.s.logger, { deliveryId: job.deliveryId, eventId: job.event.id, triggerId: job.triggerId, attempt: job.attempt, traceId });
    let outcome: JobOutcome;
    try {
      outcome = await this.attempt(job, lane, startedAt, log, traceId, context);
    } catch (e) {
      log.error({ err: e }, 'delivery attempt failed unexpectedly');
      outcome = this.failed(
        job,
        this.s.results.base(job, this.s.resolver.known(job.triggerId), startedAt, traceId),
        { code: 'INTERNAL_ERROR', message: (e as Error).message },
        log,
      );
    }
    if (span) endDeliverSpan(span, outcome);
    return outcome;
  }

  private async attempt(job: DeliveryJob, lane: Lane, startedAt: Date, log: AttemptLog, traceId?: string, context?: Context): Promise<JobOutcome> {
    if (this.s.lanes.isSettledHandoff(job)) return {};

    const resolved = await this.s.resolver.resolve(job);
    const base = this.s.results.base(job, resolved.trigger, startedAt, traceId);
    if (!resolved.ok) {
      if (resolved.outcome === 'failed') return this.failed(job, base, resolved.error, log);
      return { result: this.s.results.finish(base, 'skipped', { error: resolved.error }, log) };
    }
    const { trigger, channel } = resolved;
    const host = channel.hostOf(trigger);
    if (lane === 'main' && !job.test && this.s.lanes.holds(host)) return this.s.lanes.defer(job, log);

    const rendered = await this.s.renderer.render(job, trigger, context);
    if (!rendered.ok) return this.failed(job, base, rendered.error, log);
    const prepared = await channel.prepare(job, trigger);
    if (!prepared.ok) return this.failed(job, base, prepared.error, log);

    let secrets: string[];
    try {
      secrets = this.s.secrets.secretsFor(trigger);
    } catch (e) {
      const message = `the signing secrets cannot be opened (is SECRETS_KEY the config service's?): ${(e as Error).message}`;
      return this.failed(job, base, { code: 'SECRETS_UNREADABLE', message }, log);
    }

    const send = () =>
      channel.send({
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        test: job.test,
        trigger,
        event: job.event,
        body: rendered.body,
        contentType: rendered.contentType,
        secrets,
        prepared: prepared.prepared,
        trace: job.trace,
        traceContext: context,
      });
    const conclude = (answer: ChannelResult): JobOutcome =>
      this.conclude(job, trigger, channel, host, this.s.results.withAnswer(base, answer, rendered.body), answer, log);
    return this.s.lanes.send(lane, job, trigger, host, send, conclude, log);
  }

  /** Stage 6 and 7: classify the answer, decide what follows, build the result. */
  private conclude(
    job: DeliveryJob,
    trigger: TriggerSnapshot,
    channel: DeliveryChannel,
    host: string,
    base: BaseResult,
    answer: ChannelResult,
    log: AttemptLog,
  ): JobOutcome {
    this.s.metrics.attemptDuration.observe({ channel: channel.name }, answer.durationMs / 1000);
    const now = Date.now();
    const verdict = channel.classify(answer, now);
    if (verdict.kind === 'delivered') this.s.hostHealth.success(host);
    else if (verdict.kind === 'retryable') this.s.hostHealth.failure(host);
    const decision = decide(job, trigger, verdict, channel.errorCode(answer, verdict), this.s.retryPolicy, this.s.topics, now);
    switch (decision.kind) {
      case 'delivered':
        return { result: this.s.results.finish(base, 'delivered', {}, log) };
      case 'retry':
        this.s.metrics.retries.inc({ tier: decision.tier });
        return {
          result: this.s.results.finish(base, 'retry_scheduled', { error: decision.error, nextAttemptAt: decision.job.dueAt }, log),
          retry: { topic: decision.topic, job: decision.job },
        };
      case 'failed':
        return this.failed(job, base, decision.error, log, decision.deadLetter);
    }
  }

  private failed(job: DeliveryJob, base: BaseResult, error: { code: string; message: string }, log: AttemptLog, deadLetter = !job.test): JobOutcome {
    const result = this.s.results.finish(base, 'failed', { error, event: job.event, deadLettered: deadLetter }, log);
    if (deadLetter) this.s.metrics.deadLettered.inc({ reason: error.code.slice(0, 32) });
    return { result, ...(deadLetter ? { deadLetter: { ...job, lastError: error } } : {}) };
  }
}

/** One attempt of one job, continuing the trace of the job's `traceparent`. */
function deliverSpan(job: DeliveryJob, lane: string): Span {
  return startSpan('postback.deliver', SpanKind.CONSUMER, remoteContext(job.trace), {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'postback.lane': lane,
    'postback.delivery_id': job.deliveryId,
    'postback.attempt': job.attempt,
    'postback.trigger_id': job.triggerId,
    'postback.customer_id': job.customerId,
    'postback.event_id': job.event.id,
    'postback.event_type': job.event.type,
    'postback.test': job.test,
  });
}

function endDeliverSpan(span: Span, outcome: JobOutcome): void {
  const result = outcome.result;
  span.setAttribute('postback.outcome', result?.outcome ?? (outcome.retry ? 'deferred' : 'settled'));
  const failed = result && (result.outcome === 'failed' || result.outcome === 'retry_scheduled');
  endSpan(span, failed ? (result.error ?? { code: result.outcome }) : undefined);
}
