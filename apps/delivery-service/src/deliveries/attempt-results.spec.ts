import { DeliveryJob, sampleEvent, TriggerSnapshot } from '@postback/contracts';
import { newDeliveryJob } from '@postback/test-support';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { ChannelResult } from '../channels/channel';
import { AttemptLog } from './attempt-log';
import { AttemptResults } from './attempt-results';
import { DeliveryMetrics } from './delivery.metrics';
import { SettledDeliveries } from './settled-deliveries';

const event = sampleEvent('order.shipped');
const job = (over: Partial<DeliveryJob> = {}): DeliveryJob => newDeliveryJob({ event, ...over });
const trigger = { id: 'trg_1', channel: 'http' } as unknown as TriggerSnapshot;
const request = { url: 'https://receiver.test/hook', method: 'POST', bytes: 12, headers: { 'webhook-signature': 'v1,abc' } };
const ok: ChannelResult = { kind: 'response', status: 200, headers: { 'x-seen': '1' }, bodyExcerpt: 'ok', durationMs: 7, request };
const refused: ChannelResult = { kind: 'error', code: 'ECONNREFUSED', message: 'refused', durationMs: 2, request };

describe('AttemptResults', () => {
  const settled = new SettledDeliveries();
  const results = new AttemptResults(new DeliveryMetrics(new Registry()), settled);
  const log = new AttemptLog(pino({ level: 'silent' }), {});
  const started = new Date('2026-12-01T00:00:01.000Z');

  it('reports a live delivery without the headers or body it sent, and its first attempt with the event', () => {
    const base = results.base(job(), trigger, started, 'a'.repeat(32));
    const result = results.finish(results.withAnswer(base, ok, '{"secret":"payload"}'), 'delivered', {}, log);
    expect(result).toMatchObject({
      schema: 'attempt-result/1',
      deliveryId: 'msg_1',
      attempt: 1,
      eventId: event.id,
      eventType: 'order.shipped',
      orderId: event.data.id,
      channel: 'http',
      outcome: 'delivered',
      final: true,
      startedAt: '2026-12-01T00:00:01.000Z',
      durationMs: 7,
      traceId: 'a'.repeat(32),
      request: { url: request.url, method: 'POST', bytes: 12 },
      response: { status: 200, headers: { 'x-seen': '1' }, bodyExcerpt: 'ok' },
      event,
    });
    expect(result.request).toEqual({ url: request.url, method: 'POST', bytes: 12 });
    expect(result.error).toBeUndefined();
    expect(result.endToEndMs).toBeGreaterThan(0);
    expect(settled.has('msg_1')).toBe(true);
    // The base is not changed by the stages after it.
    expect(base.result.outcome).toBe('skipped');
    expect(base.result.request).toBeUndefined();
  });

  it("reports a test delivery's headers and body, and a later attempt without the event", () => {
    const base = results.base(job({ test: true, attempt: 2, deliveryId: 'msg_2' }), trigger, started);
    const result = results.finish(results.withAnswer(base, refused, '{"a":1}'), 'retry_scheduled', { nextAttemptAt: '2026-12-01T00:01:00.000Z' }, log);
    expect(result.request).toEqual({ ...request, body: '{"a":1}' });
    expect(result.error).toEqual({ code: 'ECONNREFUSED', message: 'refused' });
    expect(result.response).toBeUndefined();
    expect(result).toMatchObject({ outcome: 'retry_scheduled', final: false, attempt: 2, nextAttemptAt: '2026-12-01T00:01:00.000Z' });
    expect(result.event).toBeUndefined();
    expect(result.traceId).toBeUndefined();
    expect(settled.has('msg_2')).toBe(false);
  });

  it("carries the event only where asked after the first attempt (a final failure passes it), and a queued delivery's", () => {
    const base = results.base(job({ attempt: 3 }), trigger, started);
    const error = { code: 'HTTP_500', message: 'x' };
    expect(results.finish(base, 'failed', { error }, log).event).toBeUndefined();
    expect(results.finish(base, 'failed', { error, event }, log).event).toBe(event);
    const queued = results.queued(job({ deliveryId: 'msg_q' }), trigger, 'msg_head', '2026-12-01T00:00:00.000Z', log);
    expect(queued).toMatchObject({ attempt: 0, outcome: 'queued', final: false, event, error: { code: 'WAITING_FOR_SEQUENCE' } });
    expect(queued.error?.message).toMatch(/msg_head/);
  });
});
