import type { AttemptOutcome, AttemptResult, DeliveryJob, OrderEvent, TriggerSnapshot } from '@postback/contracts';
import type { ChannelResult } from '../channels/channel';
import type { AttemptLog } from './attempt-log';
import type { DeliveryMetrics } from './delivery.metrics';
import type { SettledDeliveries } from './settled-deliveries';

/** An attempt's result before its outcome is known, with what `finish` needs besides. */
export type BaseResult = AttemptResult & { occurredAtMs: number; event: OrderEvent };

/**
 * Stage 7, build the result: the attempt result every try reports on the results topic (the
 * delivery log is written from it), counted in the metrics and logged once. A delivery's first
 * attempt and its final failure carry the event, which is what a replay sends again.
 */
export class AttemptResults {
  constructor(
    private readonly metrics: DeliveryMetrics,
    private readonly settled: SettledDeliveries,
  ) {}

  base(job: DeliveryJob, trigger: TriggerSnapshot | undefined, startedAt: Date, traceId?: string): BaseResult {
    const base: BaseResult = {
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
    if (traceId) base.traceId = traceId;
    return base;
  }

  /**
   * No attempt: the delivery waits behind `head`, an earlier delivery of the same order being
   * retried (per-order sequence). Reported as attempt 0, `queued`, so the delivery log shows it
   * (with its event) from now on; its attempts, when they come, count from 1 as always.
   */
  queued(job: DeliveryJob, trigger: TriggerSnapshot, head: string, since: string, log: AttemptLog): AttemptResult {
    const { occurredAtMs, ...rest } = this.base(job, trigger, new Date());
    const message = `waiting behind delivery ${head} of order ${job.event.data.id} (per-order sequence), the order blocked since ${since}`;
    this.metrics.attempts.inc({ channel: rest.channel, outcome: 'queued' });
    log.info({ head, since }, 'queued behind an earlier delivery of the order');
    return { ...rest, attempt: 0, outcome: 'queued', final: false, endToEndMs: Date.now() - occurredAtMs, error: { code: 'WAITING_FOR_SEQUENCE', message } };
  }

  /** The base with what the channel reported: duration, request, response or error. */
  withAnswer(base: BaseResult, answer: ChannelResult, renderedBody: string): BaseResult {
    return { ...base, durationMs: answer.durationMs, ...describe(answer, base.test ? renderedBody : undefined) };
  }

  finish(base: BaseResult, outcome: AttemptOutcome, extra: Partial<AttemptResult>, log: AttemptLog): AttemptResult {
    const { occurredAtMs, event, ...rest } = base;
    const final = outcome !== 'retry_scheduled';
    if (final && outcome !== 'skipped') this.settled.add(rest.deliveryId, rest.attempt);
    const result: AttemptResult = {
      ...rest,
      ...extra,
      outcome,
      final,
      endToEndMs: Date.now() - occurredAtMs,
      ...(extra.event ? {} : rest.attempt === 1 ? { event } : {}),
    };
    this.metrics.attempts.inc({ channel: result.channel, outcome });
    if (outcome === 'delivered') this.metrics.endToEnd.observe({ channel: result.channel }, result.endToEndMs / 1000);
    const line = { outcome, status: result.response?.status, durationMs: result.durationMs, error: result.error, nextAttemptAt: result.nextAttemptAt };
    if (outcome === 'delivered') log.info(line, 'postback delivered');
    else log.warn(line, 'postback not delivered');
    return result;
  }
}

/** `testBody`: for test deliveries the request's body and headers are reported too. */
function describe(result: ChannelResult, testBody?: string): Partial<AttemptResult> {
  const { headers, ...summary } = result.request;
  const request = testBody === undefined ? summary : { ...summary, headers, body: testBody };
  if (result.kind === 'response') return { request, response: { status: result.status, headers: result.headers, bodyExcerpt: result.bodyExcerpt } };
  return { request, error: { code: result.code, message: result.message } };
}
