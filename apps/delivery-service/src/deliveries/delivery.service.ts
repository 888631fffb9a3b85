import {
  AttemptOutcome,
  AttemptResult,
  DeliveryJob,
  formatIssues,
  KAFKA_HEADERS,
  parseDeliveryJob,
  TopicNames,
  TriggerSecrets,
  TriggerSnapshot,
} from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage, OutgoingMessage, TopicMessages } from '@postback/kafka';
import { SecretBox } from '@postback/security';
import { TemplateError, TemplateRenderer } from '@postback/templating';
import type { Logger } from 'pino';
import { ChannelResult, DeliveryChannel } from '../channels/channel';
import { classifyAttempt } from './attempt-classifier';
import { KeyedSemaphore, Semaphore } from './concurrency';
import { DeliveryMetrics } from './delivery.metrics';

export interface DeliverySettings {
  topics: TopicNames;
  configWaitMs: number;
  maxConcurrency: number;
  maxPerHost: number;
}

/**
 * Delivers jobs: waits until the trigger view has the revision the router matched, renders the
 * template (the same `render()` as the preview), sends through the trigger's channel, classifies
 * the result and reports every attempt on the results topic. Jobs of one order (same key) go in
 * order; different orders go concurrently, bounded overall and per destination host.
 */
export class DeliveryService {
  private readonly overall: Semaphore;
  private readonly perHost: KeyedSemaphore;
  private readonly secretsCache = new Map<string, string[]>();

  constructor(
    private readonly index: TriggerIndex,
    private readonly renderer: TemplateRenderer,
    private readonly channels: ReadonlyMap<string, DeliveryChannel>,
    private readonly secretBox: SecretBox,
    private readonly metrics: DeliveryMetrics,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
  ) {
    this.overall = new Semaphore(settings.maxConcurrency);
    this.perHost = new KeyedSemaphore(settings.maxPerHost);
  }

  /** Handles a consumed batch; returns the records to produce before its offsets are committed. */
  async processBatch(messages: readonly ConsumedMessage[]): Promise<TopicMessages[]> {
    const results: OutgoingMessage[] = [];
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
        for (const job of jobs) {
          const result = await this.attempt(job);
          results.push({
            key: result.deliveryId,
            value: JSON.stringify(result),
            headers: { [KAFKA_HEADERS.schema]: result.schema, [KAFKA_HEADERS.eventId]: result.eventId },
          });
        }
      }),
    );
    return [
      { topic: this.settings.topics.deliveryResults, messages: results },
      { topic: this.settings.topics.deliveriesDlq, messages: deadLetters },
    ];
  }

  /** One attempt of one job, never throwing: every failure becomes a result, so no job can wedge its partition. */
  async attempt(job: DeliveryJob): Promise<AttemptResult> {
    const startedAt = new Date();
    // Plain bindings, not logger.child(): a child logger per attempt costs more than the attempt's own work.
    const log = new AttemptLog(this.logger, { deliveryId: job.deliveryId, eventId: job.event.id, triggerId: job.triggerId, attempt: job.attempt });
    try {
      return await this.tryAttempt(job, startedAt, log);
    } catch (e) {
      log.error({ err: e }, 'delivery attempt failed unexpectedly');
      const base = this.baseResult(job, this.index.get(job.triggerId), startedAt);
      return this.finish(base, 'failed', { error: { code: 'INTERNAL_ERROR', message: (e as Error).message } }, log);
    }
  }

  private async tryAttempt(job: DeliveryJob, startedAt: Date, log: AttemptLog): Promise<AttemptResult> {
    const trigger = await this.index.waitFor(job.triggerId, job.triggerRevision, this.settings.configWaitMs);
    const base = this.baseResult(job, trigger, startedAt);
    if (!trigger) return this.finish(base, 'skipped', { error: { code: 'TRIGGER_NOT_FOUND', message: 'the trigger was deleted or is unknown' } }, log);
    if (trigger.status !== 'active' && !job.test) {
      return this.finish(base, 'skipped', { error: { code: 'TRIGGER_INACTIVE', message: `the trigger is ${trigger.status}` } }, log);
    }
    const channel = this.channels.get(trigger.channel);
    if (!channel) return this.finish(base, 'failed', { error: { code: 'CHANNEL_UNAVAILABLE', message: `no ${trigger.channel} channel in this service` } }, log);

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
      return this.finish(
        base,
        'failed',
        { error: { code: err.code, message: `template ${trigger.template.id} v${trigger.template.version}: ${err.message}` } },
        log,
      );
    } finally {
      stopRender();
    }

    let secrets: string[];
    try {
      secrets = this.secretsOf(trigger);
    } catch (e) {
      return this.finish(
        base,
        'failed',
        {
          error: {
            code: 'SECRETS_UNREADABLE',
            message: `the signing secrets cannot be opened (is SECRETS_KEY the config service's?): ${(e as Error).message}`,
          },
        },
        log,
      );
    }
    const host = hostOf(trigger);
    const result = await this.overall.run(() =>
      this.perHost.run(host, () =>
        channel.send({
          deliveryId: job.deliveryId,
          attempt: job.attempt,
          test: job.test,
          trigger,
          event: job.event,
          body: rendered.output,
          contentType: rendered.contentType,
          secrets,
        }),
      ),
    );
    this.metrics.attemptDuration.observe({ channel: channel.name }, result.durationMs / 1000);
    const verdict = classifyAttempt(result);
    const outcome: AttemptOutcome = verdict.kind === 'delivered' ? 'delivered' : 'failed';
    const extra = describeResult(result, job.test ? rendered.output : undefined);
    if (verdict.kind !== 'delivered')
      extra.error = { code: extra.error?.code ?? `HTTP_${result.kind === 'response' ? result.status : 'ERROR'}`, message: verdict.reason };
    return this.finish({ ...base, durationMs: result.durationMs }, outcome, extra, log);
  }

  private finish(base: AttemptResult & { occurredAtMs: number }, outcome: AttemptOutcome, extra: Partial<AttemptResult>, log: AttemptLog): AttemptResult {
    const { occurredAtMs, ...rest } = base;
    const result: AttemptResult = { ...rest, ...extra, outcome, endToEndMs: Date.now() - occurredAtMs };
    this.metrics.attempts.inc({ channel: result.channel, outcome });
    if (outcome === 'delivered') this.metrics.endToEnd.observe({ channel: result.channel }, result.endToEndMs / 1000);
    const line = { outcome, status: result.response?.status, durationMs: result.durationMs, error: result.error };
    if (outcome === 'delivered') log.info(line, 'postback delivered');
    else log.warn(line, 'postback not delivered');
    return result;
  }

  private baseResult(job: DeliveryJob, trigger: TriggerSnapshot | undefined, startedAt: Date): AttemptResult & { occurredAtMs: number } {
    return {
      occurredAtMs: Date.parse(job.event.occurredAt),
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
