import {
  AttemptOutcome,
  AttemptResult,
  DeliveryJob,
  formatIssues,
  KAFKA_HEADERS,
  parseDeliveryJob,
  retryTopic,
  TopicNames,
  TriggerSecrets,
  TriggerSnapshot,
} from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage, MessageSink, OutgoingMessage, TopicMessages } from '@postback/kafka';
import { SecretBox } from '@postback/security';
import { TemplateError, TemplateRenderer } from '@postback/templating';
import type { Logger } from 'pino';
import { ChannelResult, DeliveryChannel } from '../channels/channel';
import { classifyAttempt, Verdict } from './attempt-classifier';
import { KeyedSemaphore, Semaphore } from './concurrency';
import { DeliveryMetrics } from './delivery.metrics';
import { HostHealth } from './host-health';
import { RetryPolicy } from './retry-policy';

export interface DeliverySettings {
  topics: TopicNames;
  configWaitMs: number;
  maxConcurrency: number;
  maxPerHost: number;
  /** How long a job on the main topic may hold its batch; past it the attempt goes on in the background. */
  mainTopicBudgetMs: number;
}

/** Main topic (first attempts, replays) or retry topics. */
export type Lane = 'main' | 'retry';

/** What one job led to: the records to produce before its offset is committed. */
interface JobOutcome {
  result?: AttemptResult;
  retry?: { topic: string; job: DeliveryJob };
  deadLetter?: DeliveryJob;
}

/**
 * Delivers jobs: waits until the trigger view has the revision the router matched, renders the
 * template (the same `render()` as the preview), sends through the trigger's channel, classifies the
 * result, and decides what follows: nothing (delivered), a retry on a delay tier, or the dead-letter
 * topic. Every attempt is reported on the results topic. Jobs of one order (same key) go in order;
 * other orders go concurrently, bounded overall and per destination host.
 *
 * Isolation: on the main topic an answer is waited for `mainTopicBudgetMs` at most. A later answer is
 * waited for in the background while a hand-off job goes to the retry lane, to be attempted only if
 * the background attempt does not settle the delivery; and until that answer comes, the host counts
 * as slow: its new main-topic jobs go straight to the retry lane, as they do while its circuit is open
 * (consecutive failures). So one slow or dead receiver cannot hold back the others, and nothing is
 * lost if the process dies meanwhile.
 */
export class DeliveryService {
  private readonly overall: Semaphore;
  private readonly perHost: KeyedSemaphore;
  private readonly secretsCache = new Map<string, string[]>();
  /** Deliveries settled (delivered or failed for good) by this instance: hand-offs for them are dropped. */
  private readonly settled = new Map<string, number>();
  /** Attempts still running in the background after their batch moved on. */
  private readonly background = new Set<Promise<void>>();
  /** Hosts with a late answer still outstanding: their new main-topic jobs go to the retry lane. */
  private readonly slowHosts = new Map<string, number>();

  constructor(
    private readonly index: TriggerIndex,
    private readonly renderer: TemplateRenderer,
    private readonly channels: ReadonlyMap<string, DeliveryChannel>,
    private readonly secretBox: SecretBox,
    private readonly metrics: DeliveryMetrics,
    private readonly settings: DeliverySettings,
    private readonly retryPolicy: RetryPolicy,
    private readonly hostHealth: HostHealth,
    private readonly logger: Logger,
    /** Where background attempts report (they finish after their batch was committed). */
    private readonly backgroundSink: MessageSink,
  ) {
    this.overall = new Semaphore(settings.maxConcurrency);
    this.perHost = new KeyedSemaphore(settings.maxPerHost);
  }

  /** Handles a consumed batch; returns the records to produce before its offsets are committed. */
  async processBatch(messages: readonly ConsumedMessage[], lane: Lane): Promise<TopicMessages[]> {
    const outcomes: JobOutcome[] = [];
    const deadLetters: OutgoingMessage[] = [];
    const byKey = new Map<string, DeliveryJob[]>();
    for (const m of messages) {
      const job = this.parse(m);
      if ('reason' in job) {
        this.metrics.jobsInvalid.inc();
        this.logger.error({ topic: m.topic, partition: m.partition, offset: m.offset, reason: job.reason }, 'invalid delivery job dead-lettered');
        deadLetters.push({ key: m.key, value: m.value, headers: { ...m.headers, [KAFKA_HEADERS.invalidReason]: job.reason.slice(0, 4000) } });
        continue;
      }
      const key = m.key ?? job.deliveryId;
      const list = byKey.get(key);
      if (list) list.push(job);
      else byKey.set(key, [job]);
    }
    await Promise.all(
      [...byKey.values()].map(async (jobs) => {
        for (const job of jobs) outcomes.push(await this.handle(job, lane));
      }),
    );
    return this.records(outcomes, deadLetters);
  }

  /** One job, never throwing: every failure becomes an outcome, so no job can wedge its partition. */
  async handle(job: DeliveryJob, lane: Lane): Promise<JobOutcome> {
    const startedAt = new Date();
    // Plain bindings, not logger.child(): a child logger per attempt costs more than the attempt's own work.
    const log = new AttemptLog(this.logger, { deliveryId: job.deliveryId, eventId: job.event.id, triggerId: job.triggerId, attempt: job.attempt });
    try {
      return await this.tryHandle(job, lane, startedAt, log);
    } catch (e) {
      log.error({ err: e }, 'delivery attempt failed unexpectedly');
      return this.finalFailure(
        job,
        this.baseResult(job, this.index.get(job.triggerId), startedAt),
        { code: 'INTERNAL_ERROR', message: (e as Error).message },
        log,
      );
    }
  }

  private async tryHandle(job: DeliveryJob, lane: Lane, startedAt: Date, log: AttemptLog): Promise<JobOutcome> {
    if (job.handoff && this.settled.has(job.deliveryId)) return {};
    const mainLane = lane === 'main' && !job.test;
    const trigger = await this.index.waitFor(job.triggerId, job.triggerRevision, this.settings.configWaitMs);
    const base = this.baseResult(job, trigger, startedAt);
    if (!trigger)
      return { result: this.finish(base, 'skipped', { error: { code: 'TRIGGER_NOT_FOUND', message: 'the trigger was deleted or is unknown' } }, log) };
    if (trigger.status !== 'active' && !job.test && !job.replay) {
      return { result: this.finish(base, 'skipped', { error: { code: 'TRIGGER_INACTIVE', message: `the trigger is ${trigger.status}` } }, log) };
    }
    const channel = this.channels.get(trigger.channel);
    if (!channel) return this.finalFailure(job, base, { code: 'CHANNEL_UNAVAILABLE', message: `no ${trigger.channel} channel in this service` }, log);

    const host = hostOf(trigger);
    if (mainLane && (this.hostHealth.isOpen(host) || this.slowHosts.has(host))) return this.defer(job, log);

    let rendered;
    const stopRender = this.metrics.renderDuration.startTimer();
    try {
      rendered = await this.renderer.render({ body: trigger.template.body, format: trigger.template.format }, job.event, {
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        trigger: { id: trigger.id, name: trigger.name },
        customer: { id: trigger.customerId },
        test: job.test,
      });
    } catch (e) {
      const err = e instanceof TemplateError ? e : new TemplateError('TEMPLATE_RUNTIME', (e as Error).message);
      this.metrics.renderErrors.inc({ code: err.code });
      return this.finalFailure(job, base, { code: err.code, message: `template ${trigger.template.id} v${trigger.template.version}: ${err.message}` }, log);
    } finally {
      stopRender();
    }

    let subject: string | undefined;
    if (trigger.channel === 'email' && trigger.email) {
      try {
        subject = (
          await this.renderer.render({ body: trigger.email.subject, format: 'text' }, job.event, {
            deliveryId: job.deliveryId,
            attempt: job.attempt,
            test: job.test,
          })
        ).output;
      } catch (e) {
        const err = e instanceof TemplateError ? e : new TemplateError('TEMPLATE_RUNTIME', (e as Error).message);
        this.metrics.renderErrors.inc({ code: err.code });
        return this.finalFailure(job, base, { code: err.code, message: `subject template: ${err.message}` }, log);
      }
    }

    let secrets: string[];
    try {
      secrets = this.secretsOf(trigger);
    } catch (e) {
      return this.finalFailure(
        job,
        base,
        { code: 'SECRETS_UNREADABLE', message: `the signing secrets cannot be opened (is SECRETS_KEY the config service's?): ${(e as Error).message}` },
        log,
      );
    }
    const send = () =>
      channel.send({
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        test: job.test,
        trigger,
        event: job.event,
        body: rendered.output,
        contentType: rendered.contentType,
        secrets,
        subject,
      });
    const conclude = (result: ChannelResult): JobOutcome => {
      this.metrics.attemptDuration.observe({ channel: channel.name }, result.durationMs / 1000);
      const verdict = classifyAttempt(result, Date.now(), channel.name);
      if (verdict.kind === 'delivered') this.hostHealth.success(host);
      else if (verdict.kind === 'retryable') this.hostHealth.failure(host);
      const reported = { ...base, durationMs: result.durationMs, ...describeResult(result, job.test ? rendered.output : undefined) };
      return this.decide(job, trigger, reported, verdict, result, log);
    };
    if (!mainLane) return conclude(await this.perHost.run(host, () => this.overall.run(send)));

    // Main topic: wait for a host slot as long as the host is healthy (a busy host frees slots quickly;
    // one that turns slow or failing meanwhile is left to the retry lane), then an answer within the
    // budget, or the main topic moves on.
    let slot: (() => void) | undefined;
    while (!slot) {
      if (this.hostHealth.isOpen(host) || this.slowHosts.has(host)) return this.defer(job, log);
      slot = await this.perHost.acquireWithin(host, this.settings.mainTopicBudgetMs);
    }
    const attempt = this.overall.run(send).finally(slot);
    const inTime = await Promise.race([attempt, sleep(this.settings.mainTopicBudgetMs).then(() => undefined)]);
    if (inTime) return conclude(inTime);
    // Without retries there is no second attempt to hand off to: the batch waits for this one.
    if (!trigger.retry.enabled) return conclude(await attempt);
    return this.handOff(job, trigger, host, attempt, conclude, log);
  }

  /**
   * The answer is late: the attempt goes on in the background (and reports when it ends); a hand-off
   * job waits in the retry lane until after the attempt's timeout, to be made only if the background
   * attempt did not settle the delivery (or if this process died meanwhile).
   */
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
        const records = this.records([{ ...outcome, retry: undefined }], []);
        await this.backgroundSink.sendBatch(records);
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

  /** Waits (up to `ms`) for attempts still running in the background, e.g. before shutdown. */
  async drainBackground(ms: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.background]), sleep(ms)]);
  }

  /** Nest hook: before connections close, let background attempts report (their hand-offs cover the rest). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drainBackground(5000);
  }

  /** After an attempt: delivered, retried on a delay tier, or failed (dead-lettered). */
  private decide(job: DeliveryJob, trigger: TriggerSnapshot, base: BaseResult, verdict: Verdict, result: ChannelResult, log: AttemptLog): JobOutcome {
    if (verdict.kind === 'delivered') return { result: this.finish(base, 'delivered', {}, log) };
    const error = { code: errorCode(verdict, result, trigger.channel), message: verdict.reason };
    const attemptsInRun = job.attempt - (job.attemptBase ?? 0);
    const canRetry = verdict.kind === 'retryable' && !job.test && trigger.retry.enabled && attemptsInRun < trigger.retry.maxAttempts;
    if (!canRetry) {
      const why =
        verdict.kind !== 'retryable'
          ? error
          : job.test
            ? error
            : { code: error.code, message: `${error.message}; no retries left (${attemptsInRun} of ${trigger.retry.enabled ? trigger.retry.maxAttempts : 1})` };
      return this.finalFailure(job, base, why, log, !job.test);
    }
    const now = Date.now();
    const decision = this.retryPolicy.next(attemptsInRun, now, verdict.retryAfterMs);
    const next: DeliveryJob = { ...job, attempt: job.attempt + 1, dueAt: new Date(decision.dueAt).toISOString(), lastError: error };
    this.metrics.retries.inc({ tier: decision.tier.name });
    return {
      result: this.finish(base, 'retry_scheduled', { error, nextAttemptAt: next.dueAt }, log),
      retry: { topic: retryTopic(this.settings.topics, decision.tier.name), job: next },
    };
  }

  /** The host is not taking more right now: to the first retry tier, no attempt made (nothing reported). */
  private defer(job: DeliveryJob, log: AttemptLog): JobOutcome {
    const decision = this.retryPolicy.next(1, Date.now());
    this.metrics.deferred.inc();
    log.info({ tier: decision.tier.name }, 'host busy or failing: deferred to the retry lane');
    return { retry: { topic: retryTopic(this.settings.topics, decision.tier.name), job: { ...job, dueAt: new Date(decision.dueAt).toISOString() } } };
  }

  private finalFailure(job: DeliveryJob, base: BaseResult, error: { code: string; message: string }, log: AttemptLog, deadLetter = !job.test): JobOutcome {
    const result = this.finish(base, 'failed', { error, event: job.event, deadLettered: deadLetter }, log);
    if (deadLetter) this.metrics.deadLettered.inc({ reason: error.code.slice(0, 32) });
    return { result, ...(deadLetter ? { deadLetter: { ...job, lastError: error } } : {}) };
  }

  private records(outcomes: JobOutcome[], invalid: OutgoingMessage[]): TopicMessages[] {
    const results: OutgoingMessage[] = [];
    const dlq: OutgoingMessage[] = [...invalid];
    const retries = new Map<string, OutgoingMessage[]>();
    for (const o of outcomes) {
      if (o.result)
        results.push({
          key: o.result.deliveryId,
          value: JSON.stringify(o.result),
          headers: { [KAFKA_HEADERS.schema]: o.result.schema, [KAFKA_HEADERS.eventId]: o.result.eventId },
        });
      if (o.retry) {
        const list = retries.get(o.retry.topic) ?? [];
        list.push({
          key: o.retry.job.event.data.id,
          value: JSON.stringify(o.retry.job),
          headers: {
            [KAFKA_HEADERS.schema]: o.retry.job.schema,
            [KAFKA_HEADERS.dueAt]: String(Date.parse(o.retry.job.dueAt as string)),
            [KAFKA_HEADERS.eventId]: o.retry.job.event.id,
          },
        });
        retries.set(o.retry.topic, list);
      }
      if (o.deadLetter) {
        dlq.push({
          key: o.deadLetter.event.data.id,
          value: JSON.stringify(o.deadLetter),
          headers: {
            [KAFKA_HEADERS.schema]: o.deadLetter.schema,
            [KAFKA_HEADERS.eventId]: o.deadLetter.event.id,
            [KAFKA_HEADERS.attempts]: String(o.deadLetter.attempt),
            [KAFKA_HEADERS.lastError]: `${o.deadLetter.lastError?.code ?? ''}: ${o.deadLetter.lastError?.message ?? ''}`.slice(0, 4000),
          },
        });
      }
    }
    return [
      ...[...retries].map(([topic, messages]) => ({ topic, messages })),
      { topic: this.settings.topics.deliveriesDlq, messages: dlq },
      // Results last: a result never announces a retry or a dead letter that is not yet written.
      { topic: this.settings.topics.deliveryResults, messages: results },
    ];
  }

  private finish(base: BaseResult, outcome: AttemptOutcome, extra: Partial<AttemptResult>, log: AttemptLog): AttemptResult {
    const { occurredAtMs, event, ...rest } = base;
    const final = outcome !== 'retry_scheduled';
    if (final && outcome !== 'skipped') this.settle(rest.deliveryId, rest.attempt);
    const result: AttemptResult = {
      ...rest,
      ...extra,
      outcome,
      final,
      endToEndMs: Date.now() - occurredAtMs,
      // The event travels with a delivery's first attempt and its final failure: what a replay needs.
      ...(extra.event ? {} : rest.attempt === 1 ? { event } : {}),
    };
    this.metrics.attempts.inc({ channel: result.channel, outcome });
    if (outcome === 'delivered') this.metrics.endToEnd.observe({ channel: result.channel }, result.endToEndMs / 1000);
    const line = { outcome, status: result.response?.status, durationMs: result.durationMs, error: result.error, nextAttemptAt: result.nextAttemptAt };
    if (outcome === 'delivered') log.info(line, 'postback delivered');
    else log.warn(line, 'postback not delivered');
    return result;
  }

  private settle(deliveryId: string, attempt: number): void {
    this.settled.set(deliveryId, attempt);
    if (this.settled.size > 100_000) this.settled.delete(this.settled.keys().next().value as string);
  }

  private baseResult(job: DeliveryJob, trigger: TriggerSnapshot | undefined, startedAt: Date): BaseResult {
    return {
      occurredAtMs: Date.parse(job.event.occurredAt),
      event: job.event,
      schema: 'attempt-result/1',
      deliveryId: job.deliveryId,
      attempt: job.attempt,
      triggerId: job.triggerId,
      customerId: job.customerId,
      eventId: job.event.id,
      eventType: job.event.type,
      orderId: job.event.data.id,
      channel: trigger?.channel ?? 'http',
      outcome: 'skipped',
      final: true,
      test: job.test,
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      endToEndMs: 0,
    };
  }

  private secretsOf(trigger: TriggerSnapshot): string[] {
    let cached = this.secretsCache.get(trigger.sealedSecrets);
    if (!cached) {
      const secrets = JSON.parse(this.secretBox.open(trigger.sealedSecrets)) as TriggerSecrets;
      cached = [secrets.current];
      if (secrets.previous && Date.parse(secrets.previous.expiresAt) > Date.now()) cached.push(secrets.previous.secret);
      if (this.secretsCache.size > 10_000) this.secretsCache.clear();
      this.secretsCache.set(trigger.sealedSecrets, cached);
    }
    return cached;
  }

  private parse(m: ConsumedMessage): DeliveryJob | { reason: string } {
    if (m.value === null) return { reason: 'empty record (no value)' };
    let json: unknown;
    try {
      json = JSON.parse(m.value.toString('utf8'));
    } catch (e) {
      return { reason: `not valid JSON: ${(e as Error).message}` };
    }
    const parsed = parseDeliveryJob(json);
    return parsed.ok ? parsed.value : { reason: formatIssues(parsed.issues) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

type BaseResult = AttemptResult & { occurredAtMs: number; event: DeliveryJob['event'] };

function errorCode(verdict: Verdict, result: ChannelResult, channel: 'http' | 'email'): string {
  if (verdict.kind === 'gone') return 'GONE';
  if (result.kind === 'error') return result.code;
  return channel === 'email' ? `SMTP_${result.status}` : `HTTP_${result.status}`;
}

/** Log lines about one attempt, each carrying its delivery id, event id, trigger and attempt number. */
class AttemptLog {
  constructor(
    private readonly logger: Logger,
    private readonly ids: Record<string, string | number>,
  ) {}

  info(fields: object, msg: string): void {
    if (this.logger.isLevelEnabled('info')) this.logger.info({ ...this.ids, ...fields }, msg);
  }

  warn(fields: object, msg: string): void {
    if (this.logger.isLevelEnabled('warn')) this.logger.warn({ ...this.ids, ...fields }, msg);
  }

  error(fields: object, msg: string): void {
    this.logger.error({ ...this.ids, ...fields }, msg);
  }
}

function hostOf(trigger: TriggerSnapshot): string {
  if (trigger.channel === 'email') return 'smtp';
  try {
    return new URL(trigger.http?.url ?? '').host;
  } catch {
    return 'invalid';
  }
}

/** `testBody`: for test deliveries the request's body and headers are reported too. */
function describeResult(result: ChannelResult, testBody?: string): Partial<AttemptResult> {
  const { headers, ...summary } = result.request;
  const request = testBody === undefined ? summary : { ...summary, headers, body: testBody };
  if (result.kind === 'response') {
    return { request, response: { status: result.status, headers: result.headers, bodyExcerpt: result.bodyExcerpt } };
  }
  return { request, error: { code: result.code, message: result.message } };
}
