import { decodeAttemptResult, decodeDeliveryJob, encodeAttemptResult, encodeDeadLetter, encodeDeliveryJob } from './codecs';
import type { AttemptResult } from './attempt-result';
import type { DeliveryJob } from './delivery-job';
import { sampleEvent } from './samples';
import { KAFKA_HEADERS } from './topics';

const job: DeliveryJob = {
  schema: 'delivery-job/1',
  deliveryId: 'msg_1',
  triggerId: 'trg_1',
  customerId: 'cus_1',
  triggerRevision: 3,
  attempt: 2,
  routedAt: '2026-11-30T10:00:00.000Z',
  test: false,
  event: sampleEvent('order.shipped'),
};

const result: AttemptResult = {
  schema: 'attempt-result/1',
  deliveryId: 'msg_1',
  attempt: 1,
  triggerId: 'trg_1',
  customerId: 'cus_1',
  eventId: 'evt_1',
  eventType: 'order.shipped',
  orderId: 'ord_1',
  channel: 'http',
  outcome: 'retry_scheduled',
  final: false,
  test: false,
  startedAt: '2026-11-30T10:00:00.000Z',
  durationMs: 12.5,
  endToEndMs: 40,
  error: { code: 'HTTP_503', message: '' },
  nextAttemptAt: '2026-11-30T10:00:05.000Z',
};

describe('delivery job records', () => {
  it('are keyed by order id, with schema and event id headers, and decode to the same job', () => {
    const r = encodeDeliveryJob(job);
    expect(r.key).toBe(job.event.data.id);
    expect(r.headers).toEqual({ [KAFKA_HEADERS.schema]: 'delivery-job/1', [KAFKA_HEADERS.eventId]: job.event.id });
    expect(decodeDeliveryJob(Buffer.from(r.value))).toEqual({ ok: true, value: job });
  });

  it('carry when they are due on a retry topic', () => {
    expect(encodeDeliveryJob({ ...job, dueAt: '2026-11-30T10:00:05.000Z' }).headers[KAFKA_HEADERS.dueAt]).toBe(String(Date.parse('2026-11-30T10:00:05.000Z')));
  });

  it('carry the attempts and the last error as dead letters, and no due time', () => {
    const r = encodeDeadLetter({ ...job, dueAt: '2026-11-30T10:00:05.000Z', lastError: { code: 'HTTP_503', message: 'busy' } });
    expect(r.headers[KAFKA_HEADERS.attempts]).toBe('2');
    expect(r.headers[KAFKA_HEADERS.lastError]).toBe('HTTP_503: busy');
    expect(r.headers[KAFKA_HEADERS.dueAt]).toBeUndefined();
  });

  it('refuse what is not a job, saying why', () => {
    expect(decodeDeliveryJob(null)).toEqual({ ok: false, reason: 'empty record (no value)' });
    expect(decodeDeliveryJob('{')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not valid JSON/) as string });
    expect(decodeDeliveryJob('{"schema":"delivery-job/1","attempt":0}')).toMatchObject({ ok: false, reason: expect.stringContaining('attempt') as string });
  });
});

describe('attempt result records', () => {
  it('are keyed by delivery id and decode to the same result', () => {
    const r = encodeAttemptResult(result);
    expect(r.key).toBe('msg_1');
    expect(decodeAttemptResult(Buffer.from(r.value))).toEqual({ ok: true, value: result });
  });

  it('refuse results the delivery log cannot rely on', () => {
    expect(decodeAttemptResult(JSON.stringify({ ...result, outcome: 'maybe' }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('outcome') as string,
    });
    expect(decodeAttemptResult(JSON.stringify({ ...result, startedAt: 'yesterday' }))).toMatchObject({ ok: false });
    expect(decodeAttemptResult(JSON.stringify({ ...result, schema: 'attempt-result/2' }))).toMatchObject({ ok: false });
    expect(decodeAttemptResult('[]')).toMatchObject({ ok: false });
  });
});
