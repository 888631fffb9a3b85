import { DeliveryJob, deliveryIdFor, KAFKA_HEADERS, sampleEvent, topicNames } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage } from '@postback/kafka';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { EventRouter } from './event-router';
import { RouterMetrics } from './router.metrics';

function record(value: unknown, offset = '0'): ConsumedMessage {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { topic: 'orders.events', partition: 0, offset, key: 'ord_1', value: Buffer.from(text), headers: { 'x-origin': 'test' }, timestamp: '0' };
}

describe('EventRouter', () => {
  const topics = topicNames('t.');
  let index: TriggerIndex;
  let router: EventRouter;
  let registry: Registry;

  beforeEach(() => {
    index = new TriggerIndex();
    registry = new Registry();
    router = new EventRouter(index, new RouterMetrics(registry), topics, () => new Date('2026-05-05T14:03:11Z'));
  });

  it('makes one job per matching active trigger, with a deterministic delivery id', () => {
    const a = newTriggerSnapshot({ customerId: 'cus_a', revision: 7 });
    const b = newTriggerSnapshot({ customerId: 'cus_a' });
    const paused = newTriggerSnapshot({ customerId: 'cus_a', status: 'paused' });
    const otherCustomer = newTriggerSnapshot({ customerId: 'cus_b' });
    [a, b, paused, otherCustomer].forEach((t) => index.apply(t));
    const event = sampleEvent('order.shipped', { id: 'evt_1', customerId: 'cus_a' });

    const result = router.route([record(event)]);

    const jobs = result.out.find((t) => t.topic === topics.deliveries)?.messages ?? [];
    expect(jobs).toHaveLength(2);
    const parsed = jobs.map((m) => JSON.parse(String(m.value)) as DeliveryJob);
    expect(parsed.map((j) => j.triggerId).sort()).toEqual([a.id, b.id].sort());
    expect(parsed.find((j) => j.triggerId === a.id)).toEqual({
      schema: 'delivery-job/1',
      deliveryId: deliveryIdFor('evt_1', a.id),
      triggerId: a.id,
      customerId: 'cus_a',
      triggerRevision: 7,
      attempt: 1,
      routedAt: '2026-05-05T14:03:11.000Z',
      test: false,
      event,
    });
    expect(jobs.every((m) => m.key === event.data.id)).toBe(true);
    expect(result.invalid).toBe(0);
  });

  it('gives the same delivery id for the same event and trigger, another for another trigger', () => {
    expect(deliveryIdFor('evt_1', 'trg_1')).toBe(deliveryIdFor('evt_1', 'trg_1'));
    expect(deliveryIdFor('evt_1', 'trg_1')).not.toBe(deliveryIdFor('evt_1', 'trg_2'));
    expect(deliveryIdFor('evt_1', 'trg_1')).not.toBe(deliveryIdFor('evt_2', 'trg_1'));
    expect(deliveryIdFor('evt_1', 'trg_1')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });

  it('sends malformed events, untouched, to the invalid topic with the reason and their origin', () => {
    const bad = [record('{not json', '10'), record({ ...sampleEvent('order.shipped'), type: 'order.exploded' }, '11'), record([1, 2], '12')];
    const empty: ConsumedMessage = { ...record('x', '13'), value: null };
    const result = router.route([...bad, empty]);
    const invalid = result.out.find((t) => t.topic === topics.invalidEvents)?.messages ?? [];
    expect(invalid).toHaveLength(4);
    expect(invalid[0]?.value).toEqual(Buffer.from('{not json'));
    expect(invalid[0]?.headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/not valid JSON/);
    expect(invalid[0]?.headers?.[KAFKA_HEADERS.sourceOffset]).toBe('10');
    expect(invalid[0]?.headers?.['x-origin']).toBe('test');
    expect(invalid[1]?.headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/^type: must be one of/);
    expect(invalid[2]?.headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/must be a JSON object/);
    expect(invalid[3]?.headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/empty record/);
  });

  it('routes the valid events of a batch that also holds invalid ones', () => {
    index.apply(newTriggerSnapshot({ customerId: 'cus_a' }));
    const result = router.route([record('garbage'), record(sampleEvent('order.shipped', { id: 'e2', customerId: 'cus_a' }))]);
    expect(result.jobs).toBe(1);
    expect(result.invalid).toBe(1);
  });

  it('counts what it does in metrics', async () => {
    index.apply(newTriggerSnapshot({ customerId: 'cus_a' }));
    router.route([record(sampleEvent('order.shipped', { customerId: 'cus_a' })), record('x'), record(sampleEvent('order.failed', { customerId: 'cus_a' }))]);
    const text = await registry.metrics();
    expect(text).toMatch(/postback_events_consumed_total\{topic="orders.events"\} 3/);
    expect(text).toMatch(/postback_events_invalid_total\{reason="not_json"\} 1/);
    expect(text).toMatch(/postback_triggers_matched_total\{event_type="order.shipped"\} 1/);
    expect(text).toMatch(/postback_events_unmatched_total\{event_type="order.failed"\} 1/);
  });
});

describe('EventRouter with binary-mode CloudEvents', () => {
  const topics = topicNames('t.');
  const headers = {
    ce_specversion: '1.0',
    ce_id: 'evt_bin_1',
    ce_source: '/fulfilment/orders',
    ce_type: 'order.shipped',
    ce_time: '2026-05-05T14:03:10Z',
    ce_customerid: 'cus_a',
    'content-type': 'application/json',
  };
  const binary = (value: unknown, h: Record<string, string>, offset = '0'): ConsumedMessage => ({ ...record(value, offset), headers: h });

  it('routes a binary-mode record to the same job its native form gives, and refuses one without ce_type with the reason', () => {
    const index = new TriggerIndex();
    const trigger = newTriggerSnapshot({ customerId: 'cus_a' });
    index.apply(trigger);
    const router = new EventRouter(index, new RouterMetrics(new Registry()), topics, () => new Date('2026-05-05T14:03:11Z'));
    const event = sampleEvent('order.shipped', { id: 'evt_bin_1', customerId: 'cus_a', occurredAt: '2026-05-05T14:03:10Z' });
    const { ce_type: _type, ...noType } = headers;

    const result = router.route([binary(event.data, headers, '1'), binary(event.data, noType, '2'), record(event, '3')]);

    const jobs = (result.out.find((t) => t.topic === topics.deliveries)?.messages ?? []).map((m) => JSON.parse(String(m.value)) as DeliveryJob);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toEqual(jobs[1]);
    expect(jobs[0]?.event).toEqual(event);
    const invalid = result.out.find((t) => t.topic === topics.invalidEvents)?.messages ?? [];
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.headers?.[KAFKA_HEADERS.invalidReason]).toBe('ce_type: is required');
    expect(invalid[0]?.headers?.[KAFKA_HEADERS.sourceOffset]).toBe('2');
    expect(invalid[0]?.headers?.ce_id).toBe('evt_bin_1');
    expect(invalid[0]?.value).toEqual(Buffer.from(JSON.stringify(event.data)));
  });
});
