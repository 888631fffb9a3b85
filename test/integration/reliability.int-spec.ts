import { randomUUID } from 'node:crypto';
import { AttemptResult, deliveryIdFor, KAFKA_HEADERS, OrderEvent, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { TopicCollector } from '@postback/kafka';
import { HttpReceiver } from '@postback/test-support';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

interface Delivery {
  status: string;
  attempts: number;
  attemptLog: Array<{ attempt: number; outcome: string; startedAt: string; error?: { code: string; message: string }; response?: { status: number } }>;
}

/** Retries, dead letters, replay, 410, Retry-After, isolation and hostile templates, on the real broker, MySQL and receivers. */
describe('reliable delivery', () => {
  let platform: TestPlatform;
  let results: TopicCollector;
  let dlq: TopicCollector;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  let templateId: string;
  const receivers: HttpReceiver[] = [];

  beforeAll(async () => {
    platform = await startPlatform({
      env: {
        DELIVERY_RETRY_SCHEDULE: '1s,2s',
        DELIVERY_RETRY_JITTER_PERCENT: '0',
        DELIVERY_MAIN_TOPIC_BUDGET_MS: '500',
        DELIVERY_CIRCUIT_THRESHOLD: '1000',
        RENDER_TIMEOUT_MS: '200',
      },
    });
    results = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.delivery-results`]).start();
    dlq = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.deliveries.dlq`]).start();
    producer = platform.kafka.producer();
    await platform.api('POST', '/customers', { id: customerId, name: 'Reliability Ltd' });
    templateId = (
      await platform.api<{ id: string }>('POST', '/templates', { name: 'r', body: '{"order": <%~ json(it.data.id) %>, "event": <%~ json(it.id) %>}' })
    ).body.id;
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await results?.stop();
    await dlq?.stop();
    await platform?.stop();
  });

  async function receiver(): Promise<HttpReceiver> {
    const r = await new HttpReceiver().start();
    receivers.push(r);
    return r;
  }

  async function activeTrigger(url: string, extra: Record<string, unknown> = {}, body?: string): Promise<string> {
    const template = body ? (await platform.api<{ id: string }>('POST', '/templates', { name: 'hostile', body })).body.id : templateId;
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 't',
      eventTypes: ['order.shipped'],
      url,
      templateId: template,
      timeoutMs: 1500,
      ...extra,
    });
    expect(created.status).toBe(201);
    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true });
    await platform.router.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    return created.body.id;
  }

  const publish = async (events: OrderEvent[]) =>
    producer.send(
      platform.orderTopic,
      events.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
    );
  const events = (n: number) =>
    Array.from({ length: n }, () =>
      sampleEvent('order.shipped', {
        id: `evt_${randomUUID()}`,
        customerId,
        data: { ...sampleEvent('order.shipped').data, id: `ord_${randomUUID().slice(0, 8)}` },
      }),
    );
  const resultsOf = (deliveryId: string) => results.json<AttemptResult>().filter((r) => r.deliveryId === deliveryId);
  const delivery = async (id: string) => (await platform.api<Delivery>('GET', `/deliveries/${id}`)).body;
  async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('retries while the receiver answers 500, and delivers everything once it recovers', async () => {
    const r = await receiver();
    let healthy = false;
    r.responder = () => (healthy ? { status: 200 } : { status: 500, body: 'down for maintenance' });
    const trigger = await activeTrigger(`${r.url}/flaky`);
    const batch = events(10);
    await publish(batch);
    const ids = batch.map((e) => deliveryIdFor(e.id, trigger));
    await results.waitFor(() => ids.every((id) => resultsOf(id).some((x) => x.outcome === 'retry_scheduled')), 30_000, 'a retry scheduled for each');
    healthy = true;
    await eventually(() => (ids.every((id) => resultsOf(id).some((x) => x.outcome === 'delivered')) ? true : undefined), 'every delivery');
    const got = new Set(r.requests.filter((x) => x.headers['x-postback-attempt'] !== '1').map((x) => x.headers['webhook-id']));
    expect(ids.every((id) => got.has(id))).toBe(true);
    const log = await eventually(async () => {
      const d = await delivery(ids[0]);
      return d?.status === 'delivered' ? d : undefined;
    }, 'the delivery log');
    expect(log.attemptLog[0]).toMatchObject({ attempt: 1, outcome: 'retry_scheduled', response: { status: 500 }, error: { code: 'HTTP_500' } });
    expect(log.attemptLog[log.attemptLog.length - 1]).toMatchObject({ outcome: 'delivered', response: { status: 200 } });
  });

  it('dead-letters after the configured attempts, and a replay delivers once the receiver is fixed', async () => {
    const r = await receiver();
    let fixed = false;
    r.responder = () => (fixed ? { status: 204 } : { status: 503 });
    const trigger = await activeTrigger(`${r.url}/broken`, { maxAttempts: 3 });
    const from = new Date(Date.now() - 1000).toISOString();
    const batch = events(4);
    await publish(batch);
    const ids = batch.map((e) => deliveryIdFor(e.id, trigger));
    await dlq.waitFor(
      (m) => ids.every((id) => m.some((x) => (JSON.parse(String(x.value)) as { deliveryId: string }).deliveryId === id)),
      40_000,
      'four dead letters',
    );
    const letter = dlq.messages.find((x) => (JSON.parse(String(x.value)) as { deliveryId: string }).deliveryId === ids[0]);
    expect(letter?.headers[KAFKA_HEADERS.attempts]).toBe('3');
    expect(letter?.headers[KAFKA_HEADERS.lastError]).toMatch(/HTTP_503.*no retries left \(3 of 3\)/);
    expect(r.requests.filter((x) => x.headers['webhook-id'] === ids[0])).toHaveLength(3);
    for (const id of ids) await eventually(async () => ((await delivery(id))?.status === 'failed' ? true : undefined), `${id} failed in the log`);

    fixed = true;
    const single = await platform.api<{ attempt: number }>('POST', `/deliveries/${ids[0]}/replay`);
    expect(single.status).toBe(202);
    expect(single.body.attempt).toBe(4);
    await eventually(async () => ((await delivery(ids[0]))?.status === 'delivered' ? true : undefined), 'the single replay');

    const bulk = await platform.api<{ id: string; total: number }>('POST', `/customers/${customerId}/triggers/${trigger}/replays`, {
      from,
      to: new Date(Date.now() + 1000).toISOString(),
    });
    expect(bulk.status).toBe(202);
    expect(bulk.body.total).toBe(3);
    const done = await eventually(async () => {
      const j = (await platform.api<{ status: string; replayed: number }>('GET', `/replays/${bulk.body.id}`)).body;
      return j.status === 'done' ? j : undefined;
    }, 'the bulk replay');
    expect(done.replayed).toBe(3);
    for (const id of ids) {
      const d = await eventually(async () => {
        const x = await delivery(id);
        return x?.status === 'delivered' ? x : undefined;
      }, `delivery ${id}`);
      expect(d.attempts).toBe(4);
    }
    // Every attempt of a delivery carries the same webhook-id: receivers can drop duplicates.
    expect(new Set(r.requests.filter((x) => ids.includes(String(x.headers['webhook-id']))).map((x) => x.headers['webhook-id'])).size).toBe(4);
  });

  it('fails without retry on other 4xx and on redirects', async () => {
    const r = await receiver();
    r.responder = (req) =>
      req.path === '/moved' ? { status: 302, headers: { location: 'http://169.254.169.254/' } } : { status: 422, body: '{"error":"bad"}' };
    const rejecting = await activeTrigger(`${r.url}/reject`);
    const moving = await activeTrigger(`${r.url}/moved`);
    const [a] = events(1);
    await publish([a]);
    for (const t of [rejecting, moving]) {
      const id = deliveryIdFor(a.id, t);
      const [final] = await eventually(() => {
        const f = resultsOf(id).filter((x) => x.final);
        return f.length ? f : undefined;
      }, 'a final result');
      expect(final).toMatchObject({ outcome: 'failed', attempt: 1, deadLettered: true });
    }
    expect(resultsOf(deliveryIdFor(a.id, moving))[0]?.error?.message).toMatch(/redirects are not followed/);
    expect(r.requests.filter((x) => x.path === '/moved')).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    const r = await receiver();
    let calls = 0;
    r.responder = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    const trigger = await activeTrigger(`${r.url}/limited`);
    const [e] = events(1);
    await publish([e]);
    const id = deliveryIdFor(e.id, trigger);
    await eventually(() => (resultsOf(id).some((x) => x.outcome === 'delivered') ? true : undefined), 'the delivery');
    const [first, second] = r.requests.filter((x) => x.headers['webhook-id'] === id);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    expect(resultsOf(id)[0]?.nextAttemptAt).toBeDefined();
  });

  it('pauses the trigger, with the reason shown, when the receiver answers 410 Gone', async () => {
    const r = await receiver();
    r.responder = () => ({ status: 410 });
    const trigger = await activeTrigger(`${r.url}/gone`);
    await publish(events(1));
    const t = await eventually(async () => {
      const x = (await platform.api<{ status: string; pausedReason?: string }>('GET', `/customers/${customerId}/triggers/${trigger}`)).body;
      return x.status === 'paused' ? x : undefined;
    }, 'the paused trigger');
    expect(t.pausedReason).toMatch(/410 Gone/);
    const audit = await platform.api<{ items: Array<{ action: string; actorName: string }> }>('GET', `/audit-log?entityId=${trigger}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'trigger.pause.gone', actorName: 'system' });
  });

  it('keeps delivering to other customers while one receiver hangs', async () => {
    const slow = await receiver();
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    slow.responder = () => ({ status: 200, delayMs: 60_000 });
    const fast = await receiver();
    const slowTrigger = await activeTrigger(`${slow.url}/hang`);
    const fastCustomer = `cus_${randomUUID().slice(0, 8)}`;
    await platform.api('POST', '/customers', { id: fastCustomer, name: 'Fast' });
    const fastTrigger = (
      await platform.api<{ id: string }>('POST', `/customers/${fastCustomer}/triggers`, {
        name: 'f',
        eventTypes: ['order.shipped'],
        url: `${fast.url}/ok`,
        templateId,
      })
    ).body.id;
    const rev = (await platform.api<{ revision: number }>('POST', `/customers/${fastCustomer}/triggers/${fastTrigger}/activate`, { force: true })).body
      .revision;
    await platform.delivery.get(TriggerIndex).waitFor(fastTrigger, rev, 15_000);
    const slowEvents = events(5);
    const fastEvents = events(20).map((e) => ({ ...e, customerId: fastCustomer }));
    await publish([...slowEvents, ...fastEvents]);
    // Every fast postback arrives while the slow receiver is still hanging.
    await fast.waitFor(
      (req) => fastEvents.every((e) => req.some((x) => x.headers['webhook-id'] === deliveryIdFor(e.id, fastTrigger))),
      30_000,
      'the fast postbacks',
    );
    expect(slow.requests.filter((x) => slowEvents.some((e) => x.headers['webhook-id'] === deliveryIdFor(e.id, slowTrigger)))).toHaveLength(0);
    const id = deliveryIdFor(slowEvents[0].id, slowTrigger);
    const timedOut = await eventually(() => resultsOf(id).find((x) => x.error?.code === 'TIMEOUT'), 'a timeout');
    expect(timedOut.outcome).toBe('retry_scheduled');
    release();
    await hanging;
  });

  it('refuses hostile templates at render time with reasons, and keeps running', async () => {
    const r = await receiver();
    const loop = await activeTrigger(`${r.url}/x`, {}, '<% while (true) {} %>{}');
    const proc = await activeTrigger(`${r.url}/x`, {}, '{"pid": <%~ json(process.pid) %>}');
    const huge = await activeTrigger(`${r.url}/x`, {}, '"<%= "x".repeat(2 * 1024 * 1024) %>"');
    const fine = await activeTrigger(`${r.url}/fine`);
    const [e] = events(1);
    await publish([e]);
    const finalOf = (t: string) => eventually(() => resultsOf(deliveryIdFor(e.id, t)).find((x) => x.final), `the final result of ${t}`);
    expect((await finalOf(loop)).error?.code).toBe('TEMPLATE_TIMEOUT');
    expect((await finalOf(proc)).error).toMatchObject({ code: 'TEMPLATE_RUNTIME', message: expect.stringContaining('process is not defined') as string });
    expect((await finalOf(huge)).error?.code).toBe('TEMPLATE_TOO_LARGE');
    expect((await finalOf(fine)).outcome).toBe('delivered');
    expect(r.requests.filter((x) => x.path === '/x')).toHaveLength(0);
  });
});
