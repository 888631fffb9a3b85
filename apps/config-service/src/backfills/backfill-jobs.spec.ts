import { decodeDeliveryJob, deliveryIdFor, sampleEvent } from '@postback/contracts';
import type { ConsumedMessage } from '@postback/kafka';
import { alreadyDelivered, BACKFILL_HEADER, backfillJob, BackfillTarget, Candidate, candidateOf, LoggedDelivery } from './backfill-jobs';

const target: BackfillTarget = {
  triggerId: 'trg_backfill',
  customerId: 'cus_acme',
  liveRevision: 2,
  eventTypes: ['order.shipped', 'order.delivered'],
  snapshotRevision: 7,
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function record(value: unknown, headers: Record<string, string> = {}, offset = 42): ConsumedMessage {
  return {
    topic: 'orders.events',
    partition: 1,
    offset: String(offset),
    key: 'ord_1',
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers,
    timestamp: '0',
  };
}

function matched(c: Candidate): Extract<Candidate, { outcome: 'matched' }> {
  if (c.outcome !== 'matched') throw new Error(`expected a match, got ${c.outcome}`);
  return c;
}

describe('candidateOf', () => {
  it("keeps an event of the trigger's customer and live event types, with the router's delivery id", () => {
    const event = sampleEvent('order.shipped', { customerId: 'cus_acme', id: 'evt_1' });
    const c = matched(candidateOf(record(event), target));
    expect(c).toMatchObject({ offset: 42, event: { id: 'evt_1' }, deliveryId: deliveryIdFor('evt_1', 'trg_backfill') });
  });

  it('leaves out events of other customers and other types', () => {
    expect(candidateOf(record(sampleEvent('order.shipped', { customerId: 'cus_other' })), target).outcome).toBe('not_matching');
    expect(candidateOf(record(sampleEvent('order.canceled', { customerId: 'cus_acme' })), target).outcome).toBe('not_matching');
  });

  it('counts records the router would refuse as invalid', () => {
    expect(candidateOf(record(null), target).outcome).toBe('invalid');
    expect(candidateOf(record('{not json'), target).outcome).toBe('invalid');
    expect(candidateOf(record({ id: 'evt_2', type: 'order.shipped' }), target).outcome).toBe('invalid');
    expect(candidateOf(record('x'.repeat(600 * 1024)), target).outcome).toBe('invalid');
  });
});

describe('alreadyDelivered', () => {
  const logged = (status: LoggedDelivery['status'], more: Partial<LoggedDelivery> = {}): LoggedDelivery => ({
    status,
    attempts: 1,
    test: false,
    lastErrorCode: null,
    ...more,
  });

  it('skips delivered deliveries unless redelivered, and always those still being retried or queued behind their order', () => {
    expect(alreadyDelivered(undefined, false)).toBe(false);
    expect(alreadyDelivered(logged('delivered'), false)).toBe(true);
    expect(alreadyDelivered(logged('delivered'), true)).toBe(false);
    expect(alreadyDelivered(logged('retrying'), true)).toBe(true);
    expect(alreadyDelivered(logged('queued'), true)).toBe(true);
    expect(alreadyDelivered(logged('failed', { attempts: 8, lastErrorCode: 'HTTP_500' }), false)).toBe(false);
    expect(alreadyDelivered(logged('delivered', { test: true }), false)).toBe(false);
  });

  it("sends a skipped delivery again, except one the trigger's out-of-order policy skipped (unless redelivered)", () => {
    expect(alreadyDelivered(logged('skipped', { lastErrorCode: 'TRIGGER_INACTIVE' }), false)).toBe(false);
    expect(alreadyDelivered(logged('skipped', { lastErrorCode: 'STALE_EVENT' }), false)).toBe(true);
    expect(alreadyDelivered(logged('skipped', { lastErrorCode: 'OUT_OF_ORDER' }), false)).toBe(true);
    expect(alreadyDelivered(logged('skipped', { lastErrorCode: 'OUT_OF_ORDER' }), true)).toBe(false);
  });
});

describe('backfillJob', () => {
  const event = sampleEvent('order.delivered', { customerId: 'cus_acme', id: 'evt_9' });

  it("is the router's first-attempt job for the event, keyed by order id, with the trace context and the backfill's id", () => {
    const c = matched(candidateOf(record(event, { traceparent: TRACEPARENT }), target));
    const out = backfillJob(c, target, undefined, 'bf_1', '2026-05-02T10:00:00.000Z');
    expect(out.key).toBe(event.data.id);
    expect(out.headers).toMatchObject({ traceparent: TRACEPARENT, [BACKFILL_HEADER]: 'bf_1', 'x-postback-event-id': 'evt_9' });
    const job = decodeDeliveryJob(out.value);
    expect(job).toEqual({
      ok: true,
      value: {
        schema: 'delivery-job/1',
        deliveryId: deliveryIdFor('evt_9', 'trg_backfill'),
        triggerId: 'trg_backfill',
        customerId: 'cus_acme',
        triggerRevision: 7,
        attempt: 1,
        routedAt: '2026-05-02T10:00:00.000Z',
        test: false,
        event,
      },
    });
  });

  it('continues a delivery the log has, as a replay: attempts keep counting with a fresh budget', () => {
    const c = matched(candidateOf(record(event), target));
    const out = backfillJob(c, target, { status: 'failed', attempts: 8, test: false, lastErrorCode: 'HTTP_500' }, 'bf_1', '2026-05-02T10:00:00.000Z');
    expect(out.headers?.traceparent).toBeUndefined();
    expect(JSON.parse(out.value as string)).toMatchObject({ attempt: 9, attemptBase: 8, replay: true });
  });
});
