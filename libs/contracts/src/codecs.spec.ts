import { decodeAttemptResult, decodeDeliveryJob, encodeAttemptResult, encodeDeadLetter, encodeDeliveryJob } from './codecs';
import { configurationUnderTest, type TriggerSnapshot } from './config-records';
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

describe('the configuration a test-fire runs with', () => {
  const live: TriggerSnapshot = {
    kind: 'trigger',
    id: 'trg_1',
    customerId: 'cus_1',
    name: 'live',
    eventTypes: ['order.shipped'],
    status: 'active',
    channel: 'http',
    http: { url: 'https://live.example/hooks', method: 'POST', headers: {}, timeoutMs: 1000 },
    retry: { enabled: true, maxAttempts: 3 },
    template: { id: 'tpl_1', version: 2, format: 'json', body: '{}' },
    sealedSecrets: 'sealed',
    revision: 7,
    updatedAt: '2026-11-30T10:00:00.000Z',
    liveRevision: 2,
  };

  it('is the live one when no change is waiting', () => {
    expect(configurationUnderTest(live)).toBe(live);
  });

  it("is the draft's when a change waits, with the snapshot's identity, status, secrets and revision", () => {
    const draft = {
      number: 3,
      name: 'draft',
      eventTypes: ['order.delivered' as const],
      channel: 'http' as const,
      http: { url: 'https://draft.example/hooks', method: 'PUT' as const, headers: { 'X-A': '1' }, timeoutMs: 2000 },
      retry: { enabled: false, maxAttempts: 1 },
      template: { id: 'tpl_2', version: 5, format: 'json' as const, body: '{"a":1}' },
    };
    const tested = configurationUnderTest({ ...live, draft });
    expect(tested).toMatchObject({
      id: 'trg_1',
      status: 'active',
      sealedSecrets: 'sealed',
      revision: 7,
      name: 'draft',
      http: draft.http,
      template: draft.template,
    });
    expect(tested.draft).toBeUndefined();
  });
});
