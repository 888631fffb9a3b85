/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { TriggerIndex } from '@postback/config-view';
import { OrderEvent, OrderEventType } from '@postback/contracts';
import { HttpReceiver, orderEvent, TEST_ADMIN_KEY } from '@postback/test-support';
import type { Browser, Page } from 'playwright-core';
import { startPlatform, TestPlatform } from '../support/platform';
import './support/expect';
import { CONSOLE_DIR, launchChromium, openConsole, Screenshots, signIn } from './support/console-browser';

jest.setTimeout(240_000);

interface TriggerBody {
  ordering: string;
  orderingMaxWaitSeconds: number;
  outOfOrder: string;
  pendingChanges: boolean;
  liveRevision: number;
  revision: number;
}

/**
 * Order-aware delivery in the console: the operator turns a live trigger's per-order sequence and
 * out-of-order policy on in the trigger form and activates the change; a delivery queued behind
 * its order's failing shipped postback shows in the delivery log with what it waits for; a
 * backfill sends the trigger the events it missed, with its progress.
 */
describe('order-aware delivery in the console', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let receiver: HttpReceiver;
  const customerId = `cus_order_${randomUUID().slice(0, 6)}`;
  const failingOrder = `ord_${randomUUID().slice(0, 8)}`;
  let triggerId: string;
  const shots = new Screenshots('order-aware');

  const event = (type: OrderEventType, order: string, minute: number): OrderEvent =>
    orderEvent(type, customerId, order, new Date(Date.now() - (60 - minute) * 60_000));
  const publish = (events: OrderEvent[]) =>
    platform.kafka.producer().send(
      platform.orderTopic,
      events.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
    );

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    // The failing order's shipped postback is refused until the test ends.
    receiver.responder = (req) => ({ status: req.body.includes(failingOrder) && req.body.includes('order.shipped') ? 503 : 200 });
    platform = await startPlatform({ env: { CONSOLE_DIR, DELIVERY_RETRY_SCHEDULE: '30s', DELIVERY_RETRY_JITTER_PERCENT: '0' } });
    browser = await launchChromium();
    await platform.api('POST', '/customers', { id: customerId, name: 'Order Aware AB' });
    const template = await platform.api<{ id: string }>('POST', '/templates', {
      name: 'Order',
      body: '{"type": <%~ json(it.type) %>, "order": <%~ json(it.data.id) %>}',
    });
    const trigger = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Order updates',
      eventTypes: ['order.shipped', 'order.delivered'],
      url: `${receiver.url}/hook`,
      templateId: template.body.id,
    });
    triggerId = trigger.body.id;
    await platform.api('POST', `/customers/${customerId}/triggers/${triggerId}/activate`, { force: true });
    ({ page, problems } = await openConsole(browser, platform.apiUrl));
    await signIn(page, TEST_ADMIN_KEY);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await receiver?.stop();
  });

  it('turns on the per-order sequence and the out-of-order policy of a live trigger, and activates the change', async () => {
    await page.goto(`/console/customers/${customerId}/triggers/${triggerId}/edit`);
    await page.getByRole('button', { name: 'Next: Events' }).click();
    await page.getByRole('button', { name: 'Next: Delivery method' }).click();
    await page.getByText('More settings').click();
    await page.getByRole('radio', { name: 'In sequence per order' }).check();
    await page.getByLabel('Stop waiting after (seconds)').fill('600');
    await page.getByLabel('Out-of-order events').selectOption('skip');
    await shots.take(page, 'trigger-form');
    await page.getByRole('button', { name: 'Next: Template' }).click();
    await page.getByRole('button', { name: 'Next: Test' }).click();
    await page.getByRole('button', { name: 'Next: Save and activate' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.goto(`/console/customers/${customerId}/triggers/${triggerId}`);
    // The change waits as a draft for a test (the trigger went live without one), then goes live.
    await page.getByText('Changes waiting for a test.').waitFor();
    const activate = page.getByRole('button', { name: 'Activate changes' });
    await expect(activate).toBeDisabled();
    await page.getByRole('button', { name: 'Run test' }).click();
    await page
      .getByText(/Status 200/)
      .first()
      .waitFor({ timeout: 30_000 });
    await expect(activate).toBeEnabled();
    await activate.click();
    await page.getByText('Changes activated: matching order events are now sent with them.').waitFor();
    await page.getByText(/In sequence per order \(a blocked order stops waiting after 10 min/).waitFor();
    const saved = await platform.api<TriggerBody>('GET', `/customers/${customerId}/triggers/${triggerId}`);
    expect(saved.body).toMatchObject({ ordering: 'per-order', orderingMaxWaitSeconds: 600, outOfOrder: 'skip', pendingChanges: false });
    await shots.take(page, 'trigger-page');
    expect(problems).toEqual([]);
  });

  it("shows a delivery queued behind its order's failing shipped postback in the delivery log", async () => {
    const { revision } = (await platform.api<TriggerBody>('GET', `/customers/${customerId}/triggers/${triggerId}`)).body;
    await platform.router.get(TriggerIndex).waitFor(triggerId, revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(triggerId, revision, 15_000);
    const shipped = event('order.shipped', failingOrder, 1);
    const delivered = event('order.delivered', failingOrder, 2);
    await publish([shipped]);
    await receiver.waitFor((rs) => rs.some((r) => r.body.includes(failingOrder)), 30_000, 'the first (refused) shipped postback');
    await publish([delivered]);
    await page.goto(`/console/deliveries?customerId=${customerId}&status=queued`);
    const row = page.getByRole('link', { name: new RegExp(`order.delivered of order ${failingOrder}, queued`) });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.getByText(/waiting behind delivery msg_[\w-]+ of order/).waitFor();
    await page.getByText('It waits behind an earlier delivery of the same order (per-order sequence).').first().waitFor();
    await shots.take(page, 'queued-delivery');
    // Nothing of the failing order's delivered postback reached the receiver.
    expect(receiver.requests.filter((r) => r.body.includes(failingOrder) && r.body.includes('order.delivered'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('backfills the events the trigger missed, with progress', async () => {
    // Events the trigger never saw: published while it was paused.
    await platform.api('POST', `/customers/${customerId}/triggers/${triggerId}/pause`, {});
    const missed = [1, 2, 3].map((i) => event('order.shipped', `ord_missed_${randomUUID().slice(0, 6)}_${i}`, 10 + i));
    const before = new Date(Date.now() - 60_000);
    await publish(missed);
    await platform.routerCaughtUp();
    await platform.api('POST', `/customers/${customerId}/triggers/${triggerId}/activate`, { force: true });
    await page.goto(`/console/customers/${customerId}/triggers/${triggerId}`);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const panel = page.getByRole('region', { name: 'Backfill' });
    await panel.getByLabel('From').fill(local(before));
    await panel.getByLabel('To').fill(local(new Date(Date.now() + 60_000)));
    await panel.getByRole('button', { name: 'Start backfill' }).click();
    await panel.getByRole('table', { name: 'Backfills' }).getByText('completed').waitFor({ timeout: 60_000 });
    await receiver.waitFor((rs) => missed.every((e) => rs.some((r) => r.body.includes(e.data.id))), 30_000, 'the missed events');
    await shots.take(page, 'backfill');
    expect(problems).toEqual([]);
  });
});
