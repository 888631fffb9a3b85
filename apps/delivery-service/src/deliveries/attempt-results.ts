import type { AttemptOutcome, AttemptResult, DeliveryJob, OrderEvent, TriggerSnapshot } from '@postback/contracts';
import type { ChannelResult, RequestSummary } from '../channels/channel';
import type { AttemptLog } from './attempt-log';
import type { DeliveryMetrics } from './delivery.metrics';
import type { SettledDeliveries } from './settled-deliveries';

/**
 * An attempt's result before its outcome is known, with what `finish` needs besides. The result is
 * copied once per stage (with the answer, with the outcome), never destructured with a rest
 * pattern: V8 copies an object with excluded keys on a slow path, and this runs for every attempt.
 */
export interface BaseResult {
  result: AttemptResult;
  occurredAtMs: number;
  event: OrderEvent;
}

export class AttemptResults {
  constructor(
    private readonly metrics: DeliveryMetrics,
    private readonly settled: SettledDeliveries,
  ) {}

  base(job: DeliveryJob, trigger: TriggerSnapshot | undefined, startedAt: Date, traceId?: string): BaseResult {
    const result: AttemptResult = {
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
    if (traceId) result.traceId = traceId;
    return { result, occurredAtMs: Date.parse(job.event.occurredAt), event: job.event };
  }

  /**
   * No attempt: the delivery waits behind `head`, an earlier delivery of the same order being
   * retried (per-order sequence). Reported as attempt 0, `queued`, so the delivery log shows it
   * (with its event) from now on; its attempts, when they come, count from 1 as always.
   */
  queued(job: DeliveryJob, trigger: TriggerSnapshot, head: string, since: string, log: AttemptLog): AttemptResult {
    const { result, occurredAtMs, event } = this.base(job, trigger, new Date());
    const message = `waiting behind delivery ${head} of order ${job.event.data.id} (per-order sequence), the order blocked since ${since}`;
    this.metrics.attempts.inc({ channel: result.channel, outcome: 'queued' });
    log.info({ head, since }, 'queued behind an earlier delivery of the order');
    return {
      ...result,
      event,
      attempt: 0,
      outcome: 'queued',
      final: false,
      endToEndMs: Date.now() - occurredAtMs,
      error: { code: 'WAITING_FOR_SEQUENCE', message },
    };
  }

  /** The base with what the channel reported: duration, request, response or error. */
  withAnswer(base: BaseResult, answer: ChannelResult, renderedBody: string): BaseResult {
    const result: AttemptResult = {
      ...base.result,
      durationMs: answer.durationMs,
      request: requestOf(answer.request, base.result.test ? renderedBody : undefined),
    };
    if (answer.kind === 'response') result.response = { status: answer.status, headers: answer.headers, bodyExcerpt: answer.bodyExcerpt };
    else result.error = { code: answer.code, message: answer.message };
    return { result, occurredAtMs: base.occurredAtMs, event: base.event };
  }

  finish(base: BaseResult, outcome: AttemptOutcome, extra: Partial<AttemptResult>, log: AttemptLog): AttemptResult {
    const final = outcome !== 'retry_scheduled';
    const result: AttemptResult = { ...base.result, ...extra, outcome, final, endToEndMs: Date.now() - base.occurredAtMs };
    if (!extra.event && result.attempt === 1) result.event = base.event;
    if (final && outcome !== 'skipped') this.settled.add(result.deliveryId, result.attempt);
    this.metrics.attempts.inc({ channel: result.channel, outcome });
    if (outcome === 'delivered') this.metrics.endToEnd.observe({ channel: result.channel }, result.endToEndMs / 1000);
    const line = { outcome, status: result.response?.status, durationMs: result.durationMs, error: result.error, nextAttemptAt: result.nextAttemptAt };
    if (outcome === 'delivered') log.info(line, 'postback delivered');
    else log.warn(line, 'postback not delivered');
    return result;
  }
}

/**
 * The request as the result reports it: its headers (signature included) and body only for test
 * deliveries (`testBody`), so that a live delivery's log holds neither.
 */
function requestOf(request: RequestSummary, testBody?: string): NonNullable<AttemptResult['request']> {
  if (testBody === undefined) return { url: request.url, method: request.method, bytes: request.bytes };
  return { url: request.url, method: request.method, bytes: request.bytes, headers: request.headers, body: testBody };
}
