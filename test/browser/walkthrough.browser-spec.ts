import { randomUUID } from 'node:crypto';
import { sampleEvent } from '@postback/contracts';
import { HttpReceiver, TEST_ADMIN_KEY } from '@postback/test-support';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { SmtpSink } from '../support/smtp-sink';
import { startPlatform, TestPlatform } from '../support/platform';
import { accessibilityProblems, AxeFinding, CONSOLE_DIR, launchChromium, openConsole, Screenshots, signIn } from './support/console-browser';
import { eventually } from './support/expect';

jest.setTimeout(240_000);

/**
 * The setup guide, done in the console by a person with no curl: sign in, create the customer,
 * Add Trigger from its Triggers tab, build the template with the Template Mapper from the
 * order.shipped sample, preview, point the trigger at a receiver, run the test, save and activate,
 * then see a live order event's postback in the log, open its attempt and replay it. Real Kafka,
 * MySQL, the three services, a real HTTP receiver and a real SMTP server; axe on every screen.
 */
describe('the setup guide in the console', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let receiver: HttpReceiver;
  let smtp: SmtpSink;
  let page: Page;
  let problems: string[];
  const findings: AxeFinding[] = [];
  const customerId = `cus_acme_${randomUUID().slice(0, 6)}`;
  let signingSecret = '';
  let liveTriggerId = '';

  const check = async (where: string) => findings.push(...(await accessibilityProblems(page, where)));
  /** What a CodeMirror editor holds, by its accessible name. */
  const editorText = (name: string) => page.getByRole('textbox', { name }).innerText();

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    receiver.responder = () => ({ status: 200, headers: { 'x-receiver': 'acme-shop' }, body: '{"received":true}' });
    smtp = await new SmtpSink().start();
    platform = await startPlatform({
      knownPorts: true,
      env: {
        CONSOLE_DIR,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'Postbacks <postbacks@platform.example>',
      },
    });
    browser = await launchChromium();
    ({ page, problems } = await openConsole(browser, platform.apiUrl));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await receiver?.stop();
    await smtp?.stop();
  });

  it('sets up a URL postback from scratch, delivers a live order event, and replays it', async () => {
    const shots = new Screenshots('walkthrough-url');

    // 1. Sign in.
    await check('sign in');
    await shots.take(page, 'sign-in');
    await signIn(page, TEST_ADMIN_KEY);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('router-service').waitFor();
    await check('overview');
    await shots.take(page, 'overview');

    // 2. The customer.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('button', { name: 'Add customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add customer' });
    await dialog.getByLabel('Name').fill('ACME Outdoor');
    await dialog.getByLabel('Customer id').fill(customerId);
    await dialog.getByLabel('Contact email').fill('it@acme.example');
    await check('add customer');
    await shots.take(page, 'add-customer');
    await dialog.getByRole('button', { name: 'Add customer' }).click();

    // 3. From the customer's Triggers tab, Add Trigger.
    await page.getByRole('heading', { name: 'ACME Outdoor' }).waitFor();
    expect(page.url()).toContain(`/console/customers/${customerId}/triggers`);
    await page.getByText('No triggers yet').waitFor();
    await check('customer triggers tab');
    await page.getByRole('button', { name: 'Add Trigger' }).click();
    await page.getByRole('heading', { name: 'Name the trigger' }).waitFor();
    await page.getByLabel('Trigger name').fill('ACME shop: shipments');
    await check('add trigger: name');
    await shots.take(page, 'trigger-name');
    await page.getByRole('button', { name: 'Next: Events' }).click();
    await page.getByRole('checkbox', { name: /Order shipped/ }).check();
    await check('add trigger: events');
    await shots.take(page, 'trigger-events');
    await page.getByRole('button', { name: 'Next: Delivery method' }).click();
    // 6. Point the trigger at the receiver: URL, POST, JSON, retry on failure.
    await page.getByRole('radio', { name: 'A URL (HTTP)' }).check();
    await page.getByLabel('Destination URL').fill(`${receiver.url}/acme/postbacks`);
    await page.getByLabel('Method').selectOption('POST');
    expect(await page.getByRole('checkbox', { name: /Retry on failure/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Add a header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Shop-Token');
    await page.getByLabel('Header 1 value').fill('acme-123');
    await check('add trigger: delivery method');
    await shots.take(page, 'trigger-method');
    await page.getByRole('button', { name: 'Next: Template' }).click();

    // 4. The template, built with the Mapper from the order.shipped sample.
    await page.getByRole('button', { name: 'Create a new template with the Template Mapper' }).click();
    await page.getByLabel('Template name').fill('Shipment notice');
    await page.getByRole('button', { name: 'Map data.reference' }).click();
    await page.getByRole('button', { name: 'Map data.shipment.carrier' }).click();
    await page.getByRole('button', { name: 'Map data.shipment.trackingNumber' }).click();
    await page.getByRole('button', { name: 'Map data.items[].sku' }).click();
    const rules = page.getByRole('list', { name: 'Mapping rules' }).getByRole('listitem');
    await expect(rules).toHaveCount(4);
    await rules.nth(0).getByLabel('Output field').fill('orderNumber');
    await rules.nth(1).getByLabel('Output field').fill('tracking.carrier');
    await rules.nth(2).getByLabel('Output field').fill('tracking.number');
    await rules.nth(2).getByLabel('Default', { exact: true }).fill('pending');
    await rules.nth(3).getByLabel('Transform').selectOption('join');
    // A field dragged onto the rules becomes a rule too; then it is moved up with the keyboard-friendly button.
    await page.getByText('or drop an input field here').scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: 'Map data.shipment.shippedAt' }).dragTo(page.getByText('or drop an input field here'));
    await expect(rules).toHaveCount(5);
    await rules.nth(4).getByLabel('Output field').fill('shippedOn');
    await rules.nth(4).getByLabel('Transform').selectOption('date');
    await rules.nth(4).getByLabel('Date format').fill('YYYY-MM-DD');
    await rules.nth(4).getByRole('button', { name: 'Move shippedOn up' }).click();
    await expect(rules.nth(3).getByLabel('Output field')).toHaveValue('shippedOn');

    // 5. The compiled template and the rendered output follow the edits.
    await eventually(() => editorText('Rendered output (read-only)'), 15_000).toContain('"shippedOn": "2026-05-05"');
    const output = JSON.parse(await editorText('Rendered output (read-only)')) as Record<string, unknown>;
    expect(output).toEqual({
      orderNumber: 'PO-2026-004817',
      tracking: { carrier: 'DHL Express', number: 'JD014600006281230704' },
      shippedOn: '2026-05-05',
      skus: 'TSHIRT-ORG-M-NAVY, HOODIE-ZIP-L-GREY',
    });
    expect(await editorText('Compiled Eta template (read-only)')).toContain('json(');
    await page.getByText('Rendered without errors').waitFor();
    await check('template mapper');
    await shots.take(page, 'template-mapper');
    await page.getByRole('button', { name: 'Save template and use it' }).click();
    await expect(page.getByRole('radio', { name: /Shipment notice/ })).toBeChecked();
    await eventually(() => editorText('Rendered preview of the chosen template')).toContain('PO-2026-004817');
    await check('add trigger: template chosen');
    await shots.take(page, 'trigger-template');

    // 7. Run the test, and see what was sent and what came back.
    await page.getByRole('button', { name: 'Next: Test' }).click();
    await page.getByRole('button', { name: 'Save draft and run test' }).click();
    await page.getByText('The test passed.').waitFor({ timeout: 30_000 });
    signingSecret = await page.getByLabel('Signing secret').inputValue();
    expect(signingSecret).toMatch(/^whsec_/);
    const result = page.getByRole('region', { name: 'Request body' });
    expect(JSON.parse(await result.innerText())).toMatchObject({ orderNumber: 'PO-2026-004817' });
    const testResult = page.getByRole('region', { name: /Test result/ });
    await expect(testResult.getByText('webhook-signature', { exact: true })).toBeVisible();
    await expect(testResult.getByText('x-receiver', { exact: true })).toBeVisible();
    await expect(testResult.getByText('Status 200')).toBeVisible();
    await check('add trigger: test passed');
    await shots.take(page, 'trigger-test-passed');
    const testRequest = receiver.requests.find((r) => r.headers['x-postback-test'] === 'true');
    expect(testRequest?.headers['x-shop-token']).toBe('acme-123');

    // 8. Save and activate.
    await page.getByRole('button', { name: 'Next: Save and activate' }).click();
    const activate = page.getByRole('button', { name: 'Save and activate', exact: true });
    await expect(activate).toBeEnabled();
    await check('add trigger: activate');
    await shots.take(page, 'trigger-activate');
    await activate.click();
    await page.getByText('Saved and activated').waitFor();
    await expect(page.getByText('active', { exact: true }).first()).toBeVisible();
    await check('trigger detail');
    await shots.take(page, 'trigger-active');
    const triggerUrl = page.url();
    const triggerId = triggerUrl.split('/').pop() as string;

    // 9. The order platform publishes an order event.
    const event = sampleEvent('order.shipped', {
      id: `evt_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      data: { ...sampleEvent('order.shipped').data, id: `ord_${randomUUID().slice(0, 8)}`, reference: 'PO-ACME-0001' },
    });
    const before = receiver.requests.length;
    await platform.kafka.producer().send(platform.orderTopic, [{ key: event.data.id, value: JSON.stringify(event) }]);

    // 10. The delivery appears in the log without a reload; its attempt is opened and replayed.
    await page.goto(`/console/customers/${customerId}/deliveries?kind=live`);
    const row = page.getByRole('link', { name: new RegExp(`order.shipped of order ${event.data.id}, delivered`) });
    await row.waitFor({ timeout: 30_000 });
    await check('customer deliveries');
    await shots.take(page, 'delivery-log');
    await row.click();
    await page.getByRole('heading', { name: 'Attempt 1: delivered' }).waitFor();
    await page.getByText('Request and response').click();
    await expect(page.getByText('Status 200')).toBeVisible();
    await check('delivery detail');
    await shots.take(page, 'delivery-attempt');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Replay sent: it will be attempt 2').waitFor();
    await page.getByRole('heading', { name: 'Attempt 2: delivered' }).waitFor({ timeout: 30_000 });
    await shots.take(page, 'delivery-replayed');

    // The receiver got two signed postbacks of the event, with the same webhook-id, both verifiable.
    const live = await receiver.waitFor(
      (rs) => rs.slice(before).filter((r) => r.body.includes('PO-ACME-0001')).length >= 2,
      30_000,
      'the postback and its replay',
    );
    const postbacks = live.slice(before).filter((r) => r.body.includes('PO-ACME-0001'));
    expect(postbacks).toHaveLength(2);
    expect(postbacks[0].headers['webhook-id']).toBe(postbacks[1].headers['webhook-id']);
    expect(postbacks[0].headers['webhook-id']).toBe(page.url().split('/').pop());
    const wh = new Webhook(signingSecret);
    for (const p of postbacks) {
      expect(wh.verify(p.body, p.headers as Record<string, string>)).toMatchObject({ orderNumber: 'PO-ACME-0001', tracking: { carrier: 'DHL Express' } });
    }
    expect(triggerId).toMatch(/^trg_/);
    liveTriggerId = triggerId;
    expect(problems).toEqual([]);
  });

  it('shows a change to the live trigger as waiting for a test, and activates it once its test passed', async () => {
    const shots = new Screenshots('walkthrough-change');
    // Another operator moves the live trigger to a new path (through the API, as a script would).
    const changed = await platform.api<{ draftRevision: number; pendingChanges: boolean }>(
      'PATCH',
      `/customers/${customerId}/triggers/${liveTriggerId}`,
      { url: `${receiver.url}/acme/v2` },
      TEST_ADMIN_KEY,
    );
    expect(changed.body).toMatchObject({ draftRevision: 2, pendingChanges: true });

    await page.goto(`/console/customers/${customerId}/triggers/${liveTriggerId}`);
    await page.getByText('Changes waiting for a test.').waitFor();
    await expect(page.getByText(/Live order events are still sent with revision 1/)).toBeVisible();
    const activate = page.getByRole('button', { name: 'Activate changes' });
    await expect(activate).toBeDisabled();
    const revisions = page.getByRole('table', { name: /^Revisions of/ });
    await expect(revisions.getByRole('row', { name: /Waiting for a test/ })).toContainText('/acme/v2');
    await check('trigger with changes waiting');
    await shots.take(page, 'changes-waiting');

    await page.getByRole('button', { name: 'Run test' }).click();
    await page
      .getByText(/Status 200/)
      .first()
      .waitFor({ timeout: 30_000 });
    await expect(activate).toBeEnabled();
    await activate.click();
    await page.getByText('Changes activated: matching order events are now sent with them.').waitFor();
    await expect(page.getByText('Changes waiting for a test.')).toHaveCount(0);
    await expect(revisions.getByRole('row', { name: /Live/ })).toContainText('/acme/v2');
    await shots.take(page, 'changes-activated');
    expect(receiver.requests.some((r) => r.path === '/acme/v2' && r.headers['x-postback-test'] === 'true')).toBe(true);

    // A fixture with an expectation on the payload; the next test runs it and shows each check.
    await page.getByText('Add a fixture').click();
    await page.getByLabel('Fixture name').fill('Shipped sample');
    await page.getByRole('textbox', { name: /^Expectations/ }).fill('[{"path": "$.orderNumber", "matches": "^PO-"}, {"path": "$.total", "type": "number"}]');
    await page.getByRole('button', { name: 'Add fixture' }).click();
    const fixtures = page.getByRole('table', { name: /^Fixtures of/ });
    await expect(fixtures.getByRole('row', { name: /Shipped sample/ })).toContainText('sample order.shipped');
    await expect(activate).toHaveCount(0);
    await page.getByRole('button', { name: 'Run test' }).click();
    const results = page.getByRole('table', { name: 'Fixtures', exact: true });
    await results.waitFor({ timeout: 30_000 });
    await expect(results.getByRole('row', { name: /Shipped sample/ })).toContainText('$.total is number: is missing');
    await expect(page.getByText('A fixture did not get the payload or the answer it expects')).toBeVisible();
    await check('test with fixtures');
    await shots.take(page, 'fixture-failed');

    // The customer's contract: the preview shows where the payload breaks it (nothing is sent).
    await page.getByText('Output contract (JSON Schema)').click();
    await page.getByRole('textbox', { name: /^Output contract/ }).fill('{"type": "object", "required": ["orderNumber", "total"]}');
    await page.getByRole('button', { name: 'Save contract' }).click();
    await page.getByText('Changes waiting for a test.').waitFor();
    await page.getByRole('button', { name: 'Preview postback' }).click();
    await page.getByText('It breaks the output contract: it would not be sent.').waitFor();
    await expect(page.locator('.trigger-preview')).toContainText('/total is required');
    await check('preview against the contract');
    await shots.take(page, 'contract-preview');
    expect(problems).toEqual([]);
  });

  it('sets up an email postback with the same template and delivers it to a real SMTP server', async () => {
    const shots = new Screenshots('walkthrough-email');
    await page.goto(`/console/customers/${customerId}/triggers`);
    await page.getByRole('button', { name: 'Add Trigger' }).click();
    await page.getByLabel('Trigger name').fill('ACME ops mailbox');
    await page.getByRole('button', { name: 'Next: Events' }).click();
    await page.getByRole('checkbox', { name: /Order delivered/ }).check();
    await page.getByRole('button', { name: 'Next: Delivery method' }).click();
    await page.getByRole('radio', { name: 'An email address' }).check();
    await page.getByRole('textbox', { name: /^To\b/ }).fill('ops@acme.example, logistics@acme.example');
    await page.getByRole('textbox', { name: /^Subject/ }).fill('Order <%= it.data.reference %> delivered');
    await check('add trigger: email method');
    await shots.take(page, 'email-method');
    await page.getByRole('button', { name: 'Next: Template' }).click();
    await page.getByRole('radio', { name: /Shipment notice/ }).check();
    await eventually(() => editorText('Rendered preview of the chosen template')).toContain('orderNumber');
    await page.getByRole('button', { name: 'Next: Test' }).click();
    await page.getByRole('button', { name: 'Save draft and run test' }).click();
    await page.getByText('The test passed.').waitFor({ timeout: 30_000 });
    await check('email test passed');
    await shots.take(page, 'email-test-passed');
    const testMail = await smtp.waitFor(
      (m) => m.some((x) => x.parsed.headers.get('x-postback-test') !== undefined || /PO-2026-004817/.test(x.parsed.subject ?? '')),
      20_000,
      'the test email',
    );
    expect(testMail[0].envelope.to.sort()).toEqual(['logistics@acme.example', 'ops@acme.example']);
    await page.getByRole('button', { name: 'Next: Save and activate' }).click();
    await page.getByRole('button', { name: 'Save and activate', exact: true }).click();
    await page.getByText('Saved and activated').waitFor();
    await shots.take(page, 'email-active');

    const event = sampleEvent('order.delivered', {
      id: `evt_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      data: { ...sampleEvent('order.delivered').data, id: `ord_${randomUUID().slice(0, 8)}`, reference: 'PO-ACME-0002' },
    });
    await platform.kafka.producer().send(platform.orderTopic, [{ key: event.data.id, value: JSON.stringify(event) }]);
    const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject === 'Order PO-ACME-0002 delivered'), 30_000, 'the live email');
    const mail = mails.find((x) => x.parsed.subject === 'Order PO-ACME-0002 delivered');
    expect(mail?.parsed.attachments[0]?.content.toString()).toContain('PO-ACME-0002');
    await page.getByRole('heading', { name: 'Deliveries' }).scrollIntoViewIfNeeded();
    await page.getByRole('link', { name: new RegExp(`order.delivered of order ${event.data.id}, delivered`) }).waitFor({ timeout: 30_000 });
    await shots.take(page, 'email-delivered');
    expect(problems).toEqual([]);
  });

  it('meets WCAG AA on every screen it went through (no serious or critical axe findings)', () => {
    expect(findings).toEqual([]);
  });
});
