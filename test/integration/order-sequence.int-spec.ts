import { randomUUID } from 'node:crypto';
import { TriggerIndex } from '@postback/config-view';
import { AttemptResult, deliveryIdFor, OrderEvent, OrderEventType } from '@postback/contracts';
import { TopicCollector } from '@postback/kafka';
import { HttpReceiver, orderEvent } from '@postback/test-support';
import { startDelivery, startPlatform, startRouter, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

interface Received {
  event: string;
  type: OrderEventType;
  order: string;
  status: number;
}

/**
 * Per-order sequence on the real broker: a per-order trigger whose receiver fails the first
 * attempt of an order's `order.shipped` delivers that order's `order.delivered` only after the
 * shipped retry succeeded, while another order goes on; the block survives a restart of the
 * router and the delivery service; past its wait limit an order gives up waiting.
 */
describe('per-order sequence on the real broker', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let results: TopicCollector;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  const seen: Received[] = [];
  /** Orders whose shipped postback the receiver refuses (503) while listed; `once`: only the first attempt. */
  const refuse = new Map<string, 'once' | 'always'>();

  beforeAll(async () => {
    platform = await startPlatform({
      env: { DELIVERY_RETRY_SCHEDULE: '2s,3s', DELIVERY_RETRY_JITTER_PERCENT: '0', DELIVERY_CIRCUIT_THRESHOLD: '1000', DELIVERY_MAIN_TOPIC_BUDGET_MS: '2000' },
    });
    results = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.delivery-results`]).start();
    producer = platform.kafka.producer();
    receiver = await new HttpReceiver().start();
    receiver.responder = (req) => {
      const body = JSON.parse(req.body) as Omit<Received, 'status'>;
      const mode = body.type === 'order.shipped' ? refuse.get(body.order) : undefined;
      const status = mode ? 503 : 200;
      if (mode === 'once') refuse.delete(body.order);
      seen.push({ ...body, status });
      return { status };
    };
    await platform.api('POST', '/customers', { id: customerId, name: 'Sequence Ltd' });
  });

  afterAll(async () => {
    await receiver?.stop();
    await results?.stop();
    await platform?.stop();
  });

  async function perOrderTrigger(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await platform.api<{ id: string; ordering: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'in order',
      eventTypes: ['order.shipped', 'order.delivered'],
      url: `${receiver.url}/hooks`,
      ordering: 'per-order',
      template: { name: 'seq', body: '{"event": <%~ json(it.id) %>, "type": <%~ json(it.type) %>, "order": <%~ json(it.data.id) %>}' },
      timeoutMs: 1500,
      ...extra,
    });
    expect(created.status).toBe(201);
    expect(created.body.ordering).toBe('per-order');
    // Field errors, never a 500, for settings that are out of range or null.
    for (const bad of [{ ordering: 'sideways' }, { ordering: null }, { orderingMaxQueued: 0 }, { outOfOrder: null }]) {
      const refused = await platform.api<{ errors?: Array<{ field: string }> }>('PATCH', `/customers/${customerId}/triggers/${created.body.id}`, bad);
      expect([refused.status, refused.body.errors?.[0]?.field]).toEqual([400, Object.keys(bad)[0]]);
    }
    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true });
    await platform.router.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    return created.body.id;
  }

  const event = (type: OrderEventType, order: string, minute: number): OrderEvent =>
    orderEvent(type, customerId, order, new Date(Date.UTC(2026, 10, 30, 9, minute)));
  const publish = (events: OrderEvent[]) =>
    producer.send(
      platform.orderTopic,
      events.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
    );
  const resultsOf = (deliveryId: string) => results.json<AttemptResult>().filter((r) => r.deliveryId === deliveryId);
  /** Where in the receiver's log an event was first answered 200. */
  const deliveredAt = (eventId: string) => seen.findIndex((r) => r.event === eventId && r.status === 200);
  const until = async (check: () => boolean, what: string, timeoutMs = 40_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; receiver saw ${JSON.stringify(seen.slice(-10))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('delivers shipped before delivered for an order whose shipped needed a retry, while another order goes on', async () => {
    const trigger = await perOrderTrigger();
    const order = `ord_${randomUUID().slice(0, 8)}`;
    const other = `ord_${randomUUID().slice(0, 8)}`;
    refuse.set(order, 'once');
    const [shipped, delivered] = [event('order.shipped', order, 1), event('order.delivered', order, 2)];
    const [otherShipped, otherDelivered] = [event('order.shipped', other, 1), event('order.delivered', other, 2)];
    await publish([shipped, otherShipped, delivered, otherDelivered]);

    await until(() => deliveredAt(delivered.id) >= 0, 'the delivered postback of the blocked order');
    expect(deliveredAt(shipped.id)).toBeGreaterThanOrEqual(0);
    expect(deliveredAt(shipped.id)).toBeLessThan(deliveredAt(delivered.id));
    // The first attempt of shipped failed; delivered was never sent before shipped succeeded.
    const forOrder = seen.filter((r) => r.order === order).map((r) => `${r.type}:${r.status}`);
    expect(forOrder).toEqual(['order.shipped:503', 'order.shipped:200', 'order.delivered:200']);
    // The other order was not held up: both its postbacks went out before shipped's retry.
    expect(deliveredAt(otherDelivered.id)).toBeLessThan(deliveredAt(shipped.id));
    expect(deliveredAt(otherShipped.id)).toBeLessThan(deliveredAt(otherDelivered.id));

    // The delivery log shows the wait: attempt 0, queued behind shipped, then the delivery.
    const queuedId = deliveryIdFor(delivered.id, trigger);
    const queued = resultsOf(queuedId).find((r) => r.outcome === 'queued');
    expect(queued).toMatchObject({ attempt: 0, error: { code: 'WAITING_FOR_SEQUENCE' } });
    expect(queued?.error?.message).toContain(deliveryIdFor(shipped.id, trigger));
    await until(() => resultsOf(queuedId).some((r) => r.outcome === 'delivered'), 'the delivered result');
  });

  it('keeps the block and the sequence across a restart of the router and the delivery service', async () => {
    const trigger = await perOrderTrigger();
    const order = `ord_${randomUUID().slice(0, 8)}`;
    refuse.set(order, 'always');
    const shipped = event('order.shipped', order, 3);
    await publish([shipped]);
    await until(() => resultsOf(deliveryIdFor(shipped.id, trigger)).some((r) => r.outcome === 'retry_scheduled'), 'shipped waiting for a retry');
    const delivered = event('order.delivered', order, 4);
    await publish([delivered]);
    await until(() => resultsOf(deliveryIdFor(delivered.id, trigger)).some((r) => r.outcome === 'queued'), 'delivered queued');

    await Promise.all([platform.router.close(), platform.delivery.close()]);
    refuse.delete(order);
    // The platform's stop() closes these.
    platform.router = await startRouter(platform.env);
    platform.delivery = await startDelivery(platform.env);

    await until(() => deliveredAt(delivered.id) >= 0, 'delivered after the restart');
    expect(deliveredAt(shipped.id)).toBeGreaterThanOrEqual(0);
    expect(deliveredAt(shipped.id)).toBeLessThan(deliveredAt(delivered.id));
    expect(seen.filter((r) => r.order === order && r.type === 'order.delivered' && r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(seen.findIndex((r) => r.order === order && r.type === 'order.delivered')).toBeGreaterThan(
      seen.findIndex((r) => r.order === order && r.type === 'order.shipped' && r.status === 200),
    );
  });

  it('gives up waiting past the time limit: the queued delivery goes while the head is still being retried', async () => {
    const trigger = await perOrderTrigger({ orderingMaxWaitSeconds: 10, maxAttempts: 20 });
    const order = `ord_${randomUUID().slice(0, 8)}`;
    refuse.set(order, 'always');
    const shipped = event('order.shipped', order, 5);
    const delivered = event('order.delivered', order, 6);
    await publish([shipped, delivered]);
    await until(() => resultsOf(deliveryIdFor(delivered.id, trigger)).some((r) => r.outcome === 'queued'), 'delivered queued');
    const queuedAt = Date.now();
    await until(() => deliveredAt(delivered.id) >= 0, 'delivered after the limit', 40_000);
    expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(8_000);
    expect(deliveredAt(shipped.id)).toBe(-1);
    const metrics = await (await fetch(`${(await platform.delivery.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)).text();
    expect(metrics).toMatch(/postback_order_sequence_gave_up_total\{reason="time"[^}]*\} [1-9]/);
    refuse.delete(order);
  });
});
