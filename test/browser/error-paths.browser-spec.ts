import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { KafkaTransport } from '@postback/kafka';
import { startService } from '@postback/runtime';
import { HttpReceiver, TEST_ADMIN_KEY, testLogger } from '@postback/test-support';
import type { Browser, Page } from 'playwright-core';
import { AppModule as ConfigAppModule } from '../../apps/config-service/src/app.module';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';
import { setupHttp } from '../../apps/config-service/src/http-setup';
import { startPlatform, TestPlatform, waitReady } from '../support/platform';
import { CONSOLE_DIR, launchChromium, openConsole, Screenshots, signIn } from './support/console-browser';

jest.setTimeout(180_000);

/** What goes wrong, and what the console says about it: never a blank page, always the reason. */
describe('the console when things go wrong', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let receiver: HttpReceiver;
  const shots = new Screenshots('error-paths');
  const customerId = `cus_err_${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    receiver.responder = () => ({ status: 500, body: '{"error":"database locked"}' });
    platform = await startPlatform({ env: { CONSOLE_DIR } });
    browser = await launchChromium();
    await platform.api('POST', '/customers', { id: customerId, name: 'Error Paths Ltd' });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await receiver?.stop();
  });

  async function session(key = TEST_ADMIN_KEY): Promise<Page> {
    const { page } = await openConsole(browser, platform.apiUrl);
    await signIn(page, key);
    return page;
  }

  it('refuses a wrong key with the reason, and keeps the key out of the URL', async () => {
    const { page } = await openConsole(browser, platform.apiUrl);
    await page.getByLabel('API key').fill('pb_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The API does not accept this key: it is unknown or was revoked.').waitFor();
    expect(page.url()).not.toContain('not-a-real-key');
    expect(await page.content()).not.toContain('pb_not-a-real-key');
    await shots.take(page, 'wrong-key');
    await page.close();
  });

  it('marks a template that does not compile at its line, and does not save it', async () => {
    const page = await session();
    await page.goto('/console/templates/new');
    await page.getByLabel('Template name').fill('Broken');
    await page.getByRole('button', { name: 'Eta template' }).click();
    const editor = page.getByRole('textbox', { name: 'Eta template body' });
    await editor.fill('{\n  "order": <%~ json(it.data.id) %>,\n  "broken": <%~ json(it.data.id %>\n}');
    const error = page.getByRole('region', { name: 'Render error' });
    await error.waitFor({ timeout: 15_000 });
    await expect(error.getByText(/line 3/)).toBeVisible();
    // The editor marks the line: a lint marker in the gutter beside line 3.
    await expect(page.locator('.cm-lint-marker-error')).toHaveCount(1);
    await shots.take(page, 'template-error-at-line');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('Not saved.').waitFor();
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: 'Not saved.' })
        .getByText(/line 3/),
    ).toBeVisible();
    expect(page.url()).toContain('/console/templates/new');
    const list = await platform.api<{ items: Array<{ name: string }> }>('GET', '/templates?scope=global');
    expect(list.body.items.map((t) => t.name)).not.toContain('Broken');
    await page.close();
  });

  it('shows a failing test with what came back, and keeps activation disabled', async () => {
    const template = await platform.api<{ id: string }>('POST', `/customers/${customerId}/templates`, { name: 't', body: '{"id": <%~ json(it.data.id) %>}' });
    const trigger = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Flaky shop',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hook`,
      templateId: template.body.id,
    });
    const page = await session();
    await page.goto(`/console/customers/${customerId}/triggers/${trigger.body.id}`);
    await expect(page.getByRole('button', { name: 'Activate' })).toBeDisabled();
    await page.getByRole('button', { name: 'Run test' }).click();
    await page.getByText('The test failed.').waitFor({ timeout: 30_000 });
    await expect(page.getByText('Status 500')).toBeVisible();
    await expect(page.getByText('database locked')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Activate' })).toBeDisabled();
    await shots.take(page, 'failing-test');
    // The stepper's last step says why it cannot be activated.
    await page.goto(`/console/customers/${customerId}/triggers/${trigger.body.id}/edit`);
    await page.getByRole('button', { name: /Step 6: Save and activate/ }).click();
    await expect(page.getByRole('button', { name: 'Save and activate', exact: true })).toBeDisabled();
    await expect(page.getByText(/The last test \(failed\) was not a pass/)).toBeVisible();
    expect((await platform.api<{ status: string }>('GET', `/customers/${customerId}/triggers/${trigger.body.id}`)).body.status).toBe('draft');
    await page.close();
  });

  it('gives a read-only key everything to see and every change disabled, with the reason', async () => {
    const key = await platform.api<{ key: string }>('POST', '/api-keys', { name: 'Support desk', scopes: ['read'] });
    const page = await session(key.body.key);
    await page.getByText('Signed in as').waitFor();
    await expect(page.getByText('(read-only)')).toBeVisible();
    await page.goto('/console/customers');
    await page.getByRole('link', { name: 'Error Paths Ltd' }).waitFor();
    await expect(page.getByRole('button', { name: 'Add customer' })).toBeDisabled();
    await expect(page.getByText('Read-only.')).toBeVisible();
    await page.getByRole('link', { name: 'Error Paths Ltd' }).click();
    await page.getByRole('link', { name: 'Flaky shop' }).waitFor();
    await expect(page.getByRole('button', { name: 'Add Trigger' })).toBeDisabled();
    await shots.take(page, 'read-only-triggers');
    await page.getByRole('link', { name: 'Flaky shop' }).click();
    for (const name of ['Edit', 'Activate', 'Delete', 'Run test', 'Show secret', 'Rotate secret']) {
      await expect(page.getByRole('button', { name, exact: true })).toBeDisabled();
    }
    const reason = await page.getByRole('button', { name: 'Edit', exact: true }).getAttribute('title');
    expect(reason).toMatch(/read-only/);
    await page.goto('/console/templates/new');
    await expect(page.getByRole('button', { name: 'Save template' })).toBeDisabled();
    await page.goto('/console/api-keys');
    await page.getByText('API keys are managed with an admin key; yours is read-only.').waitFor();
    await page.close();
  });

  it('says so when the API stops answering, instead of a blank page', async () => {
    const env = { ...platform.env, CONSOLE_DIR };
    const logger = testLogger('config-service-doomed');
    let doomed: INestApplication | undefined = await waitReady(
      await startService({
        module: ConfigAppModule.forRoot(loadServiceConfig(env), logger),
        logger,
        port: 0,
        host: '127.0.0.1',
        setup: setupHttp,
        transport: KafkaTransport,
      }),
    );
    try {
      const url = (await doomed.getUrl()).replace('[::1]', '127.0.0.1');
      const { page } = await openConsole(browser, url);
      await signIn(page, TEST_ADMIN_KEY);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await doomed.close();
      doomed = undefined;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
      await page.getByText('The API is not answering.').waitFor({ timeout: 30_000 });
      await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
      await shots.take(page, 'api-down');
      await page.close();
    } finally {
      await doomed?.close();
    }
  });
});
