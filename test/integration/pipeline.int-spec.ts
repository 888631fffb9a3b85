import { randomUUID } from 'node:crypto';
import { AttemptResult, deliveryIdFor, KAFKA_HEADERS, OrderEvent, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { TopicCollector } from '@postback/kafka';
import { HttpReceiver } from '@postback/test-support';
import { Webhook } from 'standardwebhooks';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(90_000);

const TEMPLATE = `{
  "event": "<%= it.type %>",
  "orderId": <%~ json(it.data.id) %>,
  "reference": <%~ json(it.data.reference) %>,
  "carrier": <%~ json(it.data.shipment?.carrier) %>,
  "tracking": <%~ json(it.data.shipment?.trackingNumber) %>,
  "recipient": <%~ json(it.data.shippingAddress?.name) %>
}`;

describe('order event to signed postback, on the real broker and database', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let results: TopicCollector;
  let invalid: TopicCollector;
  let trigger: { id: string; signingSecret: string; revision: number };
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    platform = await startPlatform();
    receiver = await new HttpReceiver().start();
    const topics = platform.env.KAFKA_TOPIC_PREFIX;
    results = await new TopicCollector(platform.kafka, [`${topics}postback.delivery-results`]).start();
    invalid = await new TopicCollector(platform.kafka, [`${topics}orders.events.invalid`]).start();
    producer = platform.kafka.producer();

    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Nordic Apparel AB' })).status).toBe(201);
    expect((await platform.api('POST', '/customers', { id: 'cus_other', name: 'Someone else' })).status).toBe(201);
    const template = await platform.api<{ id: string }>('POST', '/templates', { name: 'Shipment notice', eventTypes: ['order.shipped'], body: TEMPLATE });
    expect(template.status).toBe(201);
    const created = await platform.api<{ id: string; signingSecret: string; revision: number }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Shop backend',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hooks/orders`,
      templateId: template.body.id,
    });
    expect(created.status).toBe(201);
    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, {
      force: true,
      reason: 'integration test',
    });
    expect(activated.status).toBe(200);
    trigger = { ...created.body, revision: activated.body.revision };
  });

  afterAll(async () => {
    await results?.stop();
    await invalid?.stop();
    await receiver?.stop();
    await platform?.stop();
  });

  async function publish(event: OrderEvent | string, key = 'ord_7Q2M9K4XHB'): Promise<void> {
    await producer.send(platform.orderTopic, [{ key, value: typeof event === 'string' ? event : JSON.stringify(event) }]);
  }

  it('brings a created trigger into the router and delivery indexes through the config topic', async () => {
    for (const app of [platform.router, platform.delivery]) {
      const index = app.get(TriggerIndex);
      const seen = await index.waitFor(trigger.id, trigger.revision, 15_000);
      expect(seen).toMatchObject({ id: trigger.id, customerId, status: 'active', eventTypes: ['order.shipped'] });
      expect(index.match(customerId, 'order.shipped').map((t) => t.id)).toEqual([trigger.id]);
    }
  });

  it('delivers an event for the active trigger to the receiver, signed, with the rendered body', async () => {
    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    await publish(event);
    const [request] = await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, trigger.id)), 30_000, 'the postback');
    const got = receiver.requests.find((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, trigger.id)) ?? request;
    expect(got?.method).toBe('POST');
    expect(got?.path).toBe('/hooks/orders');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['x-postback-event-type']).toBe('order.shipped');
    const verified = new Webhook(trigger.signingSecret).verify(got?.body ?? '', {
      'webhook-id': String(got?.headers['webhook-id']),
      'webhook-timestamp': String(got?.headers['webhook-timestamp']),
      'webhook-signature': String(got?.headers['webhook-signature']),
    });
    expect(verified).toEqual({
      event: 'order.shipped',
      orderId: 'ord_7Q2M9K4XHB',
      reference: 'PO-2026-004817',
      carrier: 'DHL Express',
      tracking: 'JD014600006281230704',
      recipient: 'Åsa Lindqvist',
    });

    const [result] = (await results.waitFor((m) => m.some((x) => x.key === deliveryIdFor(event.id, trigger.id)), 20_000, 'the attempt result'))
      .filter((x) => x.key === deliveryIdFor(event.id, trigger.id))
      .map((x) => JSON.parse(String(x.value)) as AttemptResult);
    expect(result).toMatchObject({
      outcome: 'delivered',
      attempt: 1,
      triggerId: trigger.id,
      eventId: event.id,
      eventType: 'order.shipped',
      response: { status: 200 },
    });
  });

  it('delivers nothing for another event type, another customer or an inactive trigger, and goes on with the next event', async () => {
    const before = receiver.requests.length;
    const failed = sampleEvent('order.failed', { id: `evt_${randomUUID()}`, customerId });
    const otherCustomer = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId: 'cus_other' });
    await publish(failed);
    await publish(otherCustomer);

    const paused = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${trigger.id}/pause`);
    expect(paused.status).toBe(200);
    await platform.router.get(TriggerIndex).waitFor(trigger.id, paused.body.revision, 15_000);
    const whilePaused = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
    await publish(whilePaused);
    // Routing follows the trigger's state when the router reads the event: let it read this one
    // before the trigger is activated again.
    await platform.routerCaughtUp();

    const resumed = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${trigger.id}/activate`, { force: true });
    await platform.router.get(TriggerIndex).waitFor(trigger.id, resumed.body.revision, 15_000);
    const sentinel = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
    await publish(sentinel);

    await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(sentinel.id, trigger.id)), 30_000, 'the sentinel postback');
    const names = new Map([failed, otherCustomer, whilePaused, sentinel].map((e) => [deliveryIdFor(e.id, trigger.id), e.id] as const));
    const ids = receiver.requests.slice(before).map((r) => names.get(String(r.headers['webhook-id'])) ?? `unexpected ${String(r.headers['webhook-id'])}`);
    expect(ids).toEqual([sentinel.id]);
  });

  it('sends a malformed event to the invalid topic with its reason, and keeps consuming', async () => {
    const marker = randomUUID();
    await publish(`{"id": "${marker}", "type": "order.shipped", broken`);
    await publish(JSON.stringify({ id: marker, type: 'order.shipped', occurredAt: 'not a date', customerId, data: { id: 'ord_x' } }));
    const next = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
    await publish(next);

    const refused = await invalid.waitFor((m) => m.filter((x) => String(x.value).includes(marker)).length === 2, 20_000, 'two refused events');
    const reasons = refused.filter((x) => String(x.value).includes(marker)).map((x) => x.headers[KAFKA_HEADERS.invalidReason]);
    expect(reasons[0]).toMatch(/not valid JSON/);
    expect(reasons[1]).toMatch(/occurredAt: must be an ISO-8601 date-time/);
    await receiver.waitFor(
      (r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(next.id, trigger.id)),
      30_000,
      'the postback after the malformed ones',
    );
  });

  it('signs with both the old and the new secret during a rotation grace period', async () => {
    const rotated = await platform.api<{ signingSecret: string; revision: number }>('POST', `/customers/${customerId}/triggers/${trigger.id}/rotate-secret`, {
      graceSeconds: 600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).not.toBe(trigger.signingSecret);
    await platform.delivery.get(TriggerIndex).waitFor(trigger.id, rotated.body.revision, 15_000);
    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
    await publish(event);
    const [got] = (
      await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, trigger.id)), 30_000, 'the postback')
    ).filter((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, trigger.id));
    const headers = {
      'webhook-id': String(got?.headers['webhook-id']),
      'webhook-timestamp': String(got?.headers['webhook-timestamp']),
      'webhook-signature': String(got?.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(trigger.signingSecret).verify(got?.body ?? '', headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.signingSecret).verify(got?.body ?? '', headers)).not.toThrow();
    trigger = { ...trigger, signingSecret: rotated.body.signingSecret, revision: rotated.body.revision };
  });

  it('stops signing with the old secret when a 2-second grace period ends, whatever the services cached', async () => {
    const before = Date.now();
    const rotated = await platform.api<{ signingSecret: string; revision: number; previousSecretExpiresAt: string | null }>(
      'POST',
      `/customers/${customerId}/triggers/${trigger.id}/rotate-secret`,
      { graceSeconds: 2 },
    );
    expect(rotated.status).toBe(200);
    const until = Date.parse(rotated.body.previousSecretExpiresAt ?? '');
    expect(until).toBeGreaterThanOrEqual(before + 2000);
    expect(until).toBeLessThan(Date.now() + 2000);
    await platform.delivery.get(TriggerIndex).waitFor(trigger.id, rotated.body.revision, 15_000);
    const signaturesOf = async () => {
      const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
      await publish(event);
      const id = deliveryIdFor(event.id, trigger.id);
      const got = (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === id), 30_000, 'the postback')).find(
        (x) => x.headers['webhook-id'] === id,
      );
      const headers = {
        'webhook-id': String(got?.headers['webhook-id']),
        'webhook-timestamp': String(got?.headers['webhook-timestamp']),
        'webhook-signature': String(got?.headers['webhook-signature']),
      };
      return { body: got?.body ?? '', headers };
    };
    const during = await signaturesOf();
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);

    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 200));
    const after = await signaturesOf();
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.body.signingSecret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(trigger.signingSecret).verify(after.body, after.headers)).toThrow();
    const view = await platform.api<{ previousSecretExpiresAt: string | null }>('GET', `/customers/${customerId}/triggers/${trigger.id}`);
    expect(view.body.previousSecretExpiresAt).toBeNull();
    trigger = { ...trigger, signingSecret: rotated.body.signingSecret, revision: rotated.body.revision };
  });

  it('answers health and metrics on every service', async () => {
    for (const app of [platform.configService, platform.router, platform.delivery]) {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('postback_process_cpu_user_seconds_total');
    }
    const deliveryUrl = (await platform.delivery.getUrl()).replace('[::1]', '127.0.0.1');
    expect(await (await fetch(`${deliveryUrl}/metrics`)).text()).toMatch(
      /postback_delivery_attempts_total\{channel="http",outcome="delivered",service="delivery-service"\} [1-9]/,
    );
  });
});
