import { decodeAttemptResult, DeliveryJob, deliveryIdFor, OrderEvent, OrderEventType, sampleEvent, topicNames, TriggerSnapshot } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage } from '@postback/kafka';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { OrderLifecycleView } from '../lifecycle/order-lifecycle-view';
import { EventRouter } from './event-router';
import { RouterMetrics } from './router.metrics';

const topics = topicNames('t.');
const ALL: OrderEventType[] = ['order.received', 'order.produced', 'order.shipped', 'order.in_transit', 'order.delivered'];

function record(event: OrderEvent, offset: number): ConsumedMessage {
  return {
    topic: 'orders.events',
    partition: 0,
    offset: String(offset),
    key: event.data.id,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    timestamp: '0',
  };
}
const shipped = sampleEvent('order.shipped', { id: 'evt_shipped', customerId: 'cus_a', occurredAt: '2026-05-05T12:00:00Z' });
const received = sampleEvent('order.received', { id: 'evt_received', customerId: 'cus_a', occurredAt: '2026-05-05T09:00:00Z' });

describe('EventRouter with lifecycle awareness', () => {
  let index: TriggerIndex;
  let registry: Registry;
  let router: EventRouter;
  let deliver: TriggerSnapshot;
  let skip: TriggerSnapshot;
  let annotate: TriggerSnapshot;
  let unset: TriggerSnapshot;

  const jobsOf = (out: ReturnType<EventRouter['route']>) =>
    (out.out.find((t) => t.topic === topics.deliveries)?.messages ?? []).map((m) => JSON.parse(String(m.value)) as DeliveryJob);
  const resultsOf = (out: ReturnType<EventRouter['route']>) => out.out.find((t) => t.topic === topics.deliveryResults)?.messages ?? [];
  const changelogOf = (out: ReturnType<EventRouter['route']>) => out.out.find((t) => t.topic === topics.orderLifecycle)?.messages ?? [];

  beforeEach(() => {
    index = new TriggerIndex();
    registry = new Registry();
    deliver = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ALL, outOfOrder: 'deliver' });
    skip = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ALL, outOfOrder: 'skip' });
    annotate = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ALL, outOfOrder: 'annotate' });
    unset = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ALL });
    [deliver, skip, annotate, unset].forEach((t) => index.apply(t));
    const view = new OrderLifecycleView(topics.orderLifecycle);
    router = new EventRouter(index, new RouterMetrics(registry), topics, () => new Date('2026-05-05T14:00:00Z'), view);
  });

  it('routes an order’s first event to every trigger, annotating for annotate only, and writes the changelog in the same output', () => {
    const out = router.route([record(shipped, 1)]);
    const jobs = jobsOf(out);
    expect(jobs.map((j) => j.triggerId).sort()).toEqual([deliver.id, skip.id, annotate.id, unset.id].sort());
    expect(jobs.find((j) => j.triggerId === annotate.id)?.lifecycle).toEqual({ previous: null, outOfOrder: false, stale: false });
    expect(jobs.filter((j) => j.lifecycle !== undefined)).toHaveLength(1);
    expect(resultsOf(out)).toHaveLength(0);
    expect(changelogOf(out)).toHaveLength(1);
    expect(changelogOf(out)[0].key).toBe(`cus_a|${shipped.data.id}`);
  });

  it('delivers a stale, backwards event for deliver (and an unset policy), skips it for skip, annotates it for annotate', () => {
    router.route([record(shipped, 1)]);
    const out = router.route([record(received, 2)]);

    const jobs = jobsOf(out);
    expect(jobs.map((j) => j.triggerId).sort()).toEqual([deliver.id, annotate.id, unset.id].sort());
    expect(jobs.find((j) => j.triggerId === deliver.id)?.lifecycle).toBeUndefined();
    expect(jobs.find((j) => j.triggerId === annotate.id)?.lifecycle).toEqual({
      previous: { type: 'order.shipped', occurredAt: '2026-05-05T12:00:00Z', eventId: 'evt_shipped' },
      outOfOrder: true,
      stale: true,
    });
    expect(changelogOf(out)).toHaveLength(0);

    const results = resultsOf(out);
    expect(results).toHaveLength(1);
    const decoded = decodeAttemptResult(results[0].value);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.value).toMatchObject({
      deliveryId: deliveryIdFor('evt_received', skip.id),
      triggerId: skip.id,
      eventId: 'evt_received',
      orderId: received.data.id,
      outcome: 'skipped',
      final: true,
      test: false,
      attempt: 1,
      event: received,
      error: { code: 'OUT_OF_ORDER' },
    });
    expect(decoded.value.error?.message).toContain('order.received cannot follow order.shipped');
    expect(decoded.value.error?.message).toContain('evt_shipped');
    expect(results[0].key).toBe(deliveryIdFor('evt_received', skip.id));
  });

  it('skips a stale event of a later type with STALE_EVENT', () => {
    router.route([record(shipped, 1)]);
    const late = sampleEvent('order.in_transit', { id: 'evt_late', customerId: 'cus_a', occurredAt: '2026-05-05T11:00:00Z' });
    const out = router.route([record(late, 2)]);
    const decoded = decodeAttemptResult(resultsOf(out)[0].value);
    expect(decoded.ok && decoded.value.error).toEqual({
      code: 'STALE_EVENT',
      message: expect.stringMatching(/occurred \(2026-05-05T11:00:00Z\) before the last event routed/),
    });
    expect(jobsOf(out).find((j) => j.triggerId === annotate.id)?.lifecycle).toMatchObject({ stale: true, outOfOrder: false });
  });

  it('counts stale and backwards events by kind and action, and the orders tracked', async () => {
    router.route([record(shipped, 1), record(received, 2)]);
    const text = await registry.metrics();
    expect(text).toMatch(/postback_router_out_of_order_events_total\{kind="stale_backwards",action="skip"\} 1/);
    expect(text).toMatch(/postback_router_out_of_order_events_total\{kind="stale_backwards",action="deliver"\} 2/);
    expect(text).toMatch(/postback_router_out_of_order_events_total\{kind="stale_backwards",action="annotate"\} 1/);
    expect(text).toMatch(/postback_router_orders_tracked 1/);
  });

  it('tracks only customers with a trigger that skips or annotates: no state, no changelog for the others', () => {
    const other = newTriggerSnapshot({ customerId: 'cus_b', eventTypes: ALL, outOfOrder: 'deliver' });
    index.apply(other);
    const forB = (e: OrderEvent) => ({ ...e, id: `${e.id}_b`, customerId: 'cus_b' });
    router.route([record(forB(shipped), 1)]);
    const out = router.route([record(forB(received), 2)]);
    expect(jobsOf(out).map((j) => [j.triggerId, j.lifecycle])).toEqual([[other.id, undefined]]);
    expect(changelogOf(out)).toHaveLength(0);
  });

  it('with tracking off, every policy delivers, nothing is annotated and no changelog is written', () => {
    const off = new EventRouter(index, new RouterMetrics(new Registry()), topics, () => new Date('2026-05-05T14:00:00Z'));
    off.route([record(shipped, 1)]);
    const out = off.route([record(received, 2)]);
    expect(jobsOf(out)).toHaveLength(4);
    expect(jobsOf(out).every((j) => j.lifecycle === undefined)).toBe(true);
    expect(changelogOf(out)).toHaveLength(0);
    expect(resultsOf(out)).toHaveLength(0);
  });

  it('gives an annotating trigger’s test-fire a first event’s annotation', async () => {
    const request = { schema: 'test-request/1', triggerId: annotate.id, triggerRevision: annotate.revision, event: shipped };
    const msg: ConsumedMessage = { ...record(shipped, 1), topic: topics.testEvents, value: Buffer.from(JSON.stringify(request)) };
    const out = await router.routeTests([msg], 10);
    const jobs = jobsOf(out);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].lifecycle).toEqual({ previous: null, outOfOrder: false, stale: false });
    expect(changelogOf(out)).toHaveLength(0);
  });
});
