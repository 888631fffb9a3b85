import { randomUUID } from 'node:crypto';
import { deliveryIdFor, LifecycleAnnotation, OrderEvent, OrderEventType } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { HttpReceiver, orderEvent } from '@postback/test-support';
import { startPlatform, startRouter, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

/** What each postback says about itself, and what the router told the template of the order. */
const TEMPLATE = `{"event": <%~ json(it.id) %>, "type": <%~ json(it.type) %>, "order": <%~ json(it.data.id) %>, "lifecycle": <%~ json(meta.lifecycle ?? null) %>}`;
type Policy = 'deliver' | 'skip' | 'annotate';
interface Received {
  policy: Policy;
  event: string;
  type: string;
  lifecycle: LifecycleAnnotation | null;
}
interface DeliveryRow {
  deliveryId: string;
  status: string;
  lastErrorCode: string | null;
}
interface DeliveryDetail extends DeliveryRow {
  attempts: number;
  attemptLog: Array<{ outcome: string; error?: { code: string; message: string } }>;
}

/**
 * Lifecycle awareness on the real broker, MariaDB and an HTTP receiver: one customer, three
 * triggers on the same events with the policies deliver, skip and annotate. A stale, backwards
 * event is delivered as it is, left out (and the delivery log says why), or delivered with
 * meta.lifecycle; after a restart, the router knows the orders again from its changelog.
 */
describe('Out-of-order events on the real broker', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  const triggers = {} as Record<Policy, string>;
  const got: Received[] = [];

  beforeAll(async () => {
    platform = await startPlatform();
    producer = platform.kafka.producer();
    receiver = await new HttpReceiver().start();
    receiver.responder = (req) => {
      const policy = req.path.split('/').pop() as Policy;
      got.push({ policy, ...(JSON.parse(req.body) as Omit<Received, 'policy'>) });
      return { status: 200 };
    };
    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Lifecycle Ltd' })).status).toBe(201);
    for (const policy of ['deliver', 'skip', 'annotate'] as const) {
      const created = await platform.api<{ id: string; outOfOrder: string }>('POST', `/customers/${customerId}/triggers`, {
        name: `policy ${policy}`,
        eventTypes: ['order.received', 'order.produced', 'order.shipped'],
        url: `${receiver.url}/hooks/${policy}`,
        outOfOrder: policy,
        template: { name: `lifecycle ${policy}`, body: TEMPLATE },
      });
      expect(created.status).toBe(201);
      expect(created.body.outOfOrder).toBe(policy);
      const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true });
      expect(activated.status).toBe(200);
      await platform.router.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
      await platform.delivery.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
      triggers[policy] = created.body.id;
    }
  });

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
  });

  const event = (type: OrderEventType, order: string, minute: number): OrderEvent =>
    orderEvent(type, customerId, order, new Date(Date.UTC(2026, 10, 30, 9, minute)));
  const publish = (e: OrderEvent) => producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e) }]);
  const postbackOf = (policy: Policy, e: OrderEvent) => got.find((r) => r.policy === policy && r.event === e.id);
  const until = async <T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the receiver got ${JSON.stringify(got.slice(-6))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** The skip trigger's delivery of an event in the delivery log, once it is there (with its attempts). */
  const skippedDelivery = (e: OrderEvent) =>
    until(async () => {
      const res = await platform.api<DeliveryDetail>('GET', `/deliveries/${deliveryIdFor(e.id, triggers.skip)}`);
      return res.status === 200 ? res.body : undefined;
    }, `the skip trigger's delivery of ${e.type} in the delivery log`);
  /** Routed to every trigger that sends it: all three, or deliver and annotate. */
  const routed = async (e: OrderEvent, policies: Policy[]) => {
    for (const p of policies) await until(() => postbackOf(p, e), `the ${p} trigger's postback of ${e.type}`);
  };

  it('delivers, skips or annotates a stale event that goes backwards, per trigger, and the delivery log says why it was skipped', async () => {
    const order = `ord_${randomUUID().slice(0, 8)}`;
    const shipped = event('order.shipped', order, 20);
    const received = event('order.received', order, 10);
    await publish(shipped);
    await routed(shipped, ['deliver', 'skip', 'annotate']);
    // The first event of the order: nothing wrong with it, nothing before it; only annotate says so.
    expect(postbackOf('annotate', shipped)?.lifecycle).toEqual({ previous: null, outOfOrder: false, stale: false });
    expect(postbackOf('deliver', shipped)?.lifecycle).toBeNull();

    await publish(received);
    await routed(received, ['deliver', 'annotate']);
    expect(postbackOf('deliver', received)?.lifecycle).toBeNull();
    expect(postbackOf('annotate', received)?.lifecycle).toEqual({
      previous: { type: 'order.shipped', occurredAt: shipped.occurredAt, eventId: shipped.id },
      outOfOrder: true,
      stale: true,
    });

    const skipped = await skippedDelivery(received);
    expect(skipped).toMatchObject({ status: 'skipped', lastErrorCode: 'OUT_OF_ORDER' });
    expect(skipped.attempts).toBe(1);
    expect(skipped.attemptLog).toHaveLength(1);
    expect(skipped.attemptLog[0]).toMatchObject({ outcome: 'skipped', error: { code: 'OUT_OF_ORDER' } });
    expect(skipped.attemptLog[0].error?.message).toContain(shipped.id);
    expect(skipped.attemptLog[0].error?.message).toContain('order.received cannot follow order.shipped');
    const list = await platform.api<{ items: DeliveryRow[] }>('GET', `/deliveries?triggerId=${triggers.skip}&status=skipped`);
    expect(list.body.items.map((d) => d.deliveryId)).toContain(deliveryIdFor(received.id, triggers.skip));
    // Its deliver and annotate postbacks went out after the skip was decided: the skip is not just late.
    expect(postbackOf('skip', received)).toBeUndefined();
  });

  it('skips an event that is only stale with STALE_EVENT, and annotates it as stale, not backwards', async () => {
    const order = `ord_${randomUUID().slice(0, 8)}`;
    const first = event('order.produced', order, 30);
    const late = event('order.shipped', order, 25);
    await publish(first);
    await routed(first, ['deliver', 'skip', 'annotate']);
    await publish(late);
    await routed(late, ['deliver', 'annotate']);
    expect(postbackOf('annotate', late)?.lifecycle).toMatchObject({ previous: { eventId: first.id }, outOfOrder: false, stale: true });
    const skipped = await skippedDelivery(late);
    expect(skipped).toMatchObject({ status: 'skipped', lastErrorCode: 'STALE_EVENT' });
    expect(postbackOf('skip', late)).toBeUndefined();
  });

  it('knows the orders again after a restart of the router (rebuilt from the changelog)', async () => {
    const order = `ord_${randomUUID().slice(0, 8)}`;
    const shipped = event('order.shipped', order, 40);
    await publish(shipped);
    await routed(shipped, ['deliver', 'skip', 'annotate']);

    await platform.router.close();
    platform.router = await startRouter(platform.env);

    // Newer, but backwards: only the state from before the restart can tell.
    const produced = event('order.produced', order, 50);
    await publish(produced);
    await routed(produced, ['deliver', 'annotate']);
    expect(postbackOf('annotate', produced)?.lifecycle).toEqual({
      previous: { type: 'order.shipped', occurredAt: shipped.occurredAt, eventId: shipped.id },
      outOfOrder: true,
      stale: false,
    });
    expect(await skippedDelivery(produced)).toMatchObject({ status: 'skipped', lastErrorCode: 'OUT_OF_ORDER' });
    expect(postbackOf('skip', produced)).toBeUndefined();
  });
});
