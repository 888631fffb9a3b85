/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { sampleEvent } from '@postback/contracts';
import { HttpReceiver, TEST_ADMIN_KEY } from '@postback/test-support';
import type { Browser } from 'playwright-core';
import { startPlatform, TestPlatform } from '../support/platform';
import { CONSOLE_DIR, launchChromium, openConsole, Screenshots, signIn } from './support/console-browser';

jest.setTimeout(240_000);

/**
 * A customer's objectives and data policies in the console: the operator sets a delivery
 * objective and sees it measured; personal data in a stored event is masked, and only a key with
 * pii:read reveals it (audited).
 */
describe('objectives and personal data in the console', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let receiver: HttpReceiver;
  const customerId = `cus_policies_${randomUUID().slice(0, 6)}`;
  let liveDeliveryId: string;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    platform = await startPlatform({ env: { CONSOLE_DIR } });
    browser = await launchChromium();
    await platform.api('POST', '/customers', { id: customerId, name: 'Policies AB' });
    const template = await platform.api<{ id: string }>('POST', '/templates', { name: 'Ship to', body: '{"to": <%~ json(it.data.shippingAddress.name) %>}' });
    const trigger = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Shipped',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hook`,
      templateId: template.body.id,
    });
    await platform.api('POST', `/customers/${customerId}/triggers/${trigger.body.id}/activate`, { force: true });
    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    await platform.kafka.producer().send(platform.orderTopic, [{ key: event.data.id, value: JSON.stringify(event) }]);
    await receiver.waitFor((rs) => rs.some((r) => r.body.includes('Åsa Lindqvist')), 30_000, 'the live postback, unmasked');
    for (let i = 0; i < 100 && !liveDeliveryId; i++) {
      const page = await platform.api<{ items: Array<{ deliveryId: string }> }>('GET', `/deliveries?customerId=${customerId}&test=false`);
      liveDeliveryId = page.body.items[0]?.deliveryId;
      if (!liveDeliveryId) await new Promise((r) => setTimeout(r, 200));
    }
    expect(liveDeliveryId).toBeTruthy();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await receiver?.stop();
  });

  it('sets a delivery objective and shows it measured on the delivery log', async () => {
    const { page, problems } = await openConsole(browser, platform.apiUrl);
    const shots = new Screenshots('data-policies');
    await signIn(page, TEST_ADMIN_KEY);
    await page.goto(`/console/customers/${customerId}/policies`);
    await page.getByRole('checkbox', { name: /Measure a delivery objective/ }).check();
    await page.getByLabel('Share in time (%)').fill('150');
    await page.getByRole('button', { name: 'Save' }).click();
    // The API's field error, beside its field.
    await page.getByText(/percent must not be greater than 100/).waitFor();
    await page.getByLabel('Share in time (%)').fill('99.5');
    await page.getByLabel('Keep event payloads (days)').fill('3');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const card = page.getByRole('region', { name: 'Delivery objective' });
    await card.getByText(/99\.5% of live postbacks delivered within 60 s of the event, over 60 min/).waitFor();
    await card.getByText('met', { exact: true }).waitFor();
    await shots.take(page, 'objective');
    const saved = await platform.api<{ deliveryObjective: unknown; retentionPayloadsDays: number }>('GET', `/customers/${customerId}`);
    expect(saved.body).toMatchObject({ deliveryObjective: { percent: 99.5, withinSeconds: 60, windowMinutes: 60 }, retentionPayloadsDays: 3 });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('masks personal data in the stored event, and reveals it only to a key with pii:read, audited', async () => {
    const admin = await openConsole(browser, platform.apiUrl);
    await signIn(admin.page, TEST_ADMIN_KEY);
    await admin.page.goto(`/console/deliveries/${liveDeliveryId}`);
    await admin.page.getByRole('button', { name: 'Show the event' }).click();
    const masked = await admin.page.getByRole('region', { name: 'Order event' }).innerText();
    expect(masked).toContain('***');
    expect(masked).not.toMatch(/Lindqvist|Sveavägen/);
    // An admin key without pii:read has no reveal.
    expect(await admin.page.getByRole('button', { name: 'Reveal personal data' }).count()).toBe(0);

    // The admin creates a key that may reveal, in the console.
    await admin.page.goto('/console/api-keys');
    await admin.page.getByLabel('Name').fill('Data protection officer');
    await admin.page.getByRole('checkbox', { name: /May reveal personal data/ }).check();
    await admin.page.getByRole('button', { name: 'Create key' }).click();
    const key = await admin.page.getByLabel('New API key').inputValue();
    await admin.page.context().close();

    const dpo = await openConsole(browser, platform.apiUrl);
    await signIn(dpo.page, key);
    await dpo.page.goto(`/console/deliveries/${liveDeliveryId}`);
    await dpo.page.getByRole('button', { name: 'Show the event' }).click();
    await dpo.page.getByRole('button', { name: 'Reveal personal data' }).click();
    await dpo.page.getByText(/Unmasked: this reveal is recorded in the audit log/).waitFor();
    expect(await dpo.page.getByRole('region', { name: 'Order event' }).innerText()).toContain('Åsa Lindqvist');
    await new Screenshots('data-policies').take(dpo.page, 'revealed');
    expect(dpo.problems).toEqual([]);
    await dpo.page.context().close();

    const audit = await platform.api<{ items: Array<{ action: string; actorName: string }> }>(
      'GET',
      `/audit-log?entityType=delivery&entityId=${liveDeliveryId}`,
    );
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'delivery.reveal', actorName: 'Data protection officer' })]);
  });
});
