import { randomUUID } from 'node:crypto';
import { deliveryIdFor, OrderEvent, OrderEventType, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { HttpReceiver } from '@postback/test-support';
import { DataSource } from 'typeorm';
import type { BackfillDto } from '../../apps/config-service/src/backfills/backfill.dto';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

const TEMPLATE = '{"eventId": <%~ json(it.id) %>, "orderId": <%~ json(it.data.id) %>}';

/**
 * A trigger added after its customer's events: a backfill of the range on the real broker sends
 * exactly the events the trigger missed, once each, and leaves out those it had already delivered
 * live; a second backfill of the same range sends nothing and says why. Pause, resume and cancel
 * take effect through the API.
 */
describe('backfills from the order stream', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  let triggerId: string;
  let draftTriggerId: string;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  const missed: OrderEvent[] = [];
  const deliveredLive: OrderEvent[] = [];
  let from: string;
  const base = () => `/customers/${customerId}/triggers/${triggerId}/backfills`;

  function event(type: OrderEventType, customer = customerId): OrderEvent {
    const e = sampleEvent(type, { id: `evt_${randomUUID()}`, customerId: customer });
    return { ...e, data: { ...e.data, id: `ord_${randomUUID().slice(0, 12)}` } };
  }

  async function publish(events: OrderEvent[], extra: Array<{ key: string; value: string }> = []): Promise<void> {
    await producer.send(platform.orderTopic, [...events.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })), ...extra]);
  }

  /** Requests the receiver got for the event, by webhook-id. */
  const postbacksOf = (e: OrderEvent) => receiver.requests.filter((r) => r.headers['webhook-id'] === deliveryIdFor(e.id, triggerId)).length;

  async function deliveredInLog(events: OrderEvent[]): Promise<void> {
    const ids = events.map((e) => deliveryIdFor(e.id, triggerId));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await platform.configService
        .get(DataSource)
        .query<Array<{ n: number | string }>>(
          `SELECT COUNT(*) AS n FROM deliveries WHERE status = 'delivered' AND delivery_id IN (${ids.map(() => '?').join(',')})`,
          ids,
        );
      if (Number(rows[0].n) === ids.length) return;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${ids.length} deliveries are in the log as delivered`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function backfill(id: string): Promise<BackfillDto> {
    const res = await platform.api<BackfillDto>('GET', `${base()}/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function until(id: string, done: (b: BackfillDto) => boolean, what: string, timeoutMs = 45_000): Promise<BackfillDto> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const b = await backfill(id);
      if (done(b)) return b;
      if (Date.now() > deadline) throw new Error(`backfill ${id} not ${what} after ${timeoutMs} ms: ${JSON.stringify(b)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    platform = await startPlatform();
    receiver = await new HttpReceiver().start();
    producer = platform.kafka.producer();
    from = new Date(Date.now() - 60_000).toISOString();

    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Nordic Apparel AB' })).status).toBe(201);
    const template = await platform.api<{ id: string }>('POST', '/templates', { name: 'Backfill', eventTypes: ['order.shipped'], body: TEMPLATE });
    expect(template.status).toBe(201);
    const trigger = { eventTypes: ['order.shipped'], url: `${receiver.url}/hooks/orders`, templateId: template.body.id };
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, { name: 'Added today', ...trigger });
    const draft = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, { name: 'Never activated', ...trigger });
    expect([created.status, draft.status]).toEqual([201, 201]);
    triggerId = created.body.id;
    draftTriggerId = draft.body.id;

    // Before the trigger is active: its events, another customer's, another type, and a record that is no event.
    missed.push(...Array.from({ length: 6 }, () => event('order.shipped')));
    await publish([...missed, event('order.shipped', 'cus_someone_else'), event('order.canceled')], [{ key: 'x', value: 'not an event' }]);
    await platform.routerCaughtUp();

    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${triggerId}/activate`, {
      force: true,
      reason: 'integration test',
    });
    expect(activated.status).toBe(200);
    await platform.router.get(TriggerIndex).waitFor(triggerId, activated.body.revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(triggerId, activated.body.revision, 15_000);

    // Once it is active: delivered live, so a backfill must leave them out.
    deliveredLive.push(...Array.from({ length: 3 }, () => event('order.shipped')));
    await publish(deliveredLive);
    await deliveredInLog(deliveredLive);
  });

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
  });

  it('refuses a bad range (field errors), an unknown trigger and a trigger without a live revision', async () => {
    const now = Date.now();
    const empty = await platform.api<{ code: string; errors: Array<{ field: string }> }>('POST', base(), { from, to: from });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e) => e.field)).toEqual(['to']);
    const future = await platform.api<{ errors: Array<{ field: string }> }>('POST', base(), {
      from: new Date(now + 60_000).toISOString(),
      to: new Date(now + 120_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.errors.map((e) => e.field)).toEqual(['from']);
    const rate = await platform.api<{ errors: Array<{ field: string }> }>('POST', base(), { from, to: new Date(now).toISOString(), ratePerSecond: 6000 });
    expect(rate.status).toBe(400);
    expect(rate.body.errors.map((e) => e.field)).toEqual(['ratePerSecond']);

    const unknown = await platform.api('POST', `/customers/${customerId}/triggers/trg_unknown/backfills`, { from, to: new Date(now).toISOString() });
    expect(unknown.status).toBe(404);
    const neverLive = await platform.api<{ message: string }>('POST', `/customers/${customerId}/triggers/${draftTriggerId}/backfills`, {
      from,
      to: new Date(now).toISOString(),
    });
    expect(neverLive.status).toBe(409);
    expect(neverLive.body.message).toMatch(/never been activated/);
  });

  it('delivers exactly the events the trigger missed, once each, and leaves out those it delivered', async () => {
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const started = await platform.api<BackfillDto>('POST', base(), { from, to });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', redeliver: false, ratePerSecond: 200, triggerRevision: 1, createdBy: expect.any(String) });
    expect(Date.parse(started.body.to)).toBeLessThanOrEqual(Date.now());

    const done = await until(started.body.id, (b) => b.status === 'completed', 'completed');
    expect(done).toMatchObject({ scanned: 12, matched: 9, produced: 6, alreadyDelivered: 3, invalid: 1, error: null });
    expect(done.read).toBe(done.total);
    expect(done.partitions.length).toBe(3);
    expect(done.partitions.every((p) => p.position === p.end && p.topic === platform.orderTopic)).toBe(true);

    await receiver.waitFor(() => missed.every((e) => postbacksOf(e) > 0), 30_000, 'the postbacks of the missed events');
    await deliveredInLog(missed);
    await new Promise((r) => setTimeout(r, 1500));
    expect(missed.map(postbacksOf)).toEqual(missed.map(() => 1));
    expect(deliveredLive.map(postbacksOf)).toEqual(deliveredLive.map(() => 1));
    expect(receiver.requests.length).toBe(missed.length + deliveredLive.length);
    const bodies = receiver.requests.map((r) => (JSON.parse(r.body) as { eventId: string }).eventId).sort();
    expect(bodies).toEqual([...missed, ...deliveredLive].map((e) => e.id).sort());

    const audit = await platform.api<{ items: Array<{ action: string; details: { backfillId?: string } }> }>(
      'GET',
      `/audit-log?entityType=trigger&entityId=${triggerId}`,
    );
    expect(audit.body.items.some((a) => a.action === 'trigger.backfill' && a.details.backfillId === started.body.id)).toBe(true);
  });

  it('a second backfill of the range delivers none and reports them as already delivered', async () => {
    const before = receiver.requests.length;
    const started = await platform.api<BackfillDto>('POST', base(), { from, to: new Date().toISOString() });
    expect(started.status).toBe(202);
    const done = await until(started.body.id, (b) => b.status === 'completed', 'completed');
    expect(done).toMatchObject({ matched: 9, produced: 0, alreadyDelivered: 9, invalid: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.requests.length).toBe(before);

    const list = await platform.api<BackfillDto[]>('GET', base());
    expect(list.body.map((b) => b.id).slice(0, 2)).toEqual([started.body.id, expect.stringMatching(/^bf_/)]);
  });

  it('pauses within a second, resumes from where it stopped, and cancels for good', async () => {
    const started = await platform.api<BackfillDto>('POST', base(), { from, to: new Date().toISOString(), redeliver: true, ratePerSecond: 1 });
    expect(started.status).toBe(202);
    const id = started.body.id;
    await until(id, (b) => b.produced >= 1, 'producing');

    const paused = await platform.api<BackfillDto>('POST', `${base()}/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = await backfill(id);
    await new Promise((r) => setTimeout(r, 2500));
    const later = await backfill(id);
    expect(later.produced).toBe(stopped.produced);
    expect(later.produced).toBeLessThan(9);
    expect((await platform.api('POST', `${base()}/${id}/pause`)).status).toBe(409);

    const resumed = await platform.api<BackfillDto>('POST', `${base()}/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');
    await until(id, (b) => b.produced > later.produced, 'producing again');

    const canceled = await platform.api<BackfillDto>('POST', `${base()}/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', finishedAt: expect.any(String) });
    await new Promise((r) => setTimeout(r, 1500));
    const final = await backfill(id);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await backfill(id)).produced).toBe(final.produced);
    expect(final.produced).toBeLessThan(9);
    expect((await platform.api('POST', `${base()}/${id}/resume`)).status).toBe(409);
  });
});
