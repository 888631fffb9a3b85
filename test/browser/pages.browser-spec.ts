/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { sampleEvent } from '@postback/contracts';
import { HttpReceiver, TEST_ADMIN_KEY } from '@postback/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPlatform, TestPlatform } from '../support/platform';
import { accessibilityProblems, AxeFinding, CONSOLE_DIR, launchChromium, Screenshots } from './support/console-browser';

jest.setTimeout(240_000);

interface PageQuality {
  page: string;
  width: number;
  /** Cumulative layout shift while the page loaded (Chromium's own measure; under 0.1 is "good"). */
  layoutShift: number;
  /** Wider than the window: something forces sideways scrolling. */
  overflowsSideways: boolean;
}

/**
 * Every page of the console, with data in it, at a laptop's width and at a tablet's: no serious
 * or critical accessibility finding (axe, WCAG 2.2 AA), no sideways scrolling, and no layout jump
 * while it loads.
 */
describe('every page of the console', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let receiver: HttpReceiver;
  const customerId = `cus_pages_${randomUUID().slice(0, 6)}`;
  let triggerId: string;
  let templateId: string;
  let deliveryId: string;
  const paths: Array<[string, () => string]> = [
    ['overview', () => '/console/'],
    ['customers', () => '/console/customers'],
    ['customer triggers', () => `/console/customers/${customerId}/triggers`],
    ['customer templates', () => `/console/customers/${customerId}/templates`],
    ['customer deliveries', () => `/console/customers/${customerId}/deliveries`],
    ['customer objectives & data', () => `/console/customers/${customerId}/policies`],
    ['customer settings', () => `/console/customers/${customerId}/settings`],
    ['add trigger', () => `/console/customers/${customerId}/triggers/new`],
    ['trigger', () => `/console/customers/${customerId}/triggers/${triggerId}`],
    ['edit trigger', () => `/console/customers/${customerId}/triggers/${triggerId}/edit`],
    ['templates', () => '/console/templates'],
    ['add template', () => '/console/templates/new'],
    ['template', () => `/console/templates/${templateId}`],
    ['template versions', () => `/console/templates/${templateId}/versions`],
    ['deliveries', () => '/console/deliveries'],
    ['delivery', () => `/console/deliveries/${deliveryId}`],
    ['audit log', () => '/console/audit-log'],
    ['api keys', () => '/console/api-keys'],
    ['not found', () => '/console/no/such/page'],
  ];

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    platform = await startPlatform({ knownPorts: true, env: { CONSOLE_DIR } });
    browser = await launchChromium();
    await platform.api('POST', '/customers', {
      id: customerId,
      name: 'Pages Ltd',
      contactEmail: 'it@pages.example',
      deliveryObjective: { percent: 99, withinSeconds: 60, windowMinutes: 60 },
    });
    const template = await platform.api<{ id: string }>('POST', '/templates', {
      name: 'Order status (JSON)',
      eventTypes: ['order.shipped'],
      mapping: [
        { target: 'order', source: 'data.reference' },
        { target: 'carrier', source: 'data.shipment.carrier', transform: 'upper' },
      ],
    });
    templateId = template.body.id;
    await platform.api('PATCH', `/templates/${templateId}`, {
      mapping: [
        { target: 'order', source: 'data.reference' },
        { target: 'carrier', source: 'data.shipment.carrier', transform: 'upper' },
        { target: 'tracking', source: 'data.shipment.trackingNumber', default: 'pending' },
      ],
    });
    const trigger = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Pages shop',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hook`,
      templateId,
    });
    triggerId = trigger.body.id;
    const test = await platform.api<{ deliveryId: string }>('POST', `/customers/${customerId}/triggers/${triggerId}/test`, {});
    deliveryId = test.body.deliveryId;
    await platform.api('POST', `/customers/${customerId}/triggers/${triggerId}/activate`, {});
    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId });
    await platform.kafka.producer().send(platform.orderTopic, [{ key: event.data.id, value: JSON.stringify(event) }]);
    await receiver.waitFor((rs) => rs.some((r) => r.body.includes(String(event.data.reference))), 30_000, 'the live postback');
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await receiver?.stop();
  });

  /** One tab, signed in: the key lives in the tab's sessionStorage, so every page visited in it is signed in. */
  async function signedInTab(width: number, height: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height }, baseURL: platform.apiUrl });
    // Layout shifts are summed from the first paint of every page (Chromium's Layout Instability API).
    await context.addInitScript(() => {
      const w = window as unknown as { __layoutShift: number };
      w.__layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>)
          if (!e.hadRecentInput) w.__layoutShift += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page = await context.newPage();
    await page.goto('/console/');
    await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return { context, page };
  }

  async function settle(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await page.getByRole('heading', { level: 1 }).first().innerText()).not.toBe('Sign in');
    await page.waitForFunction(() => !document.querySelector('.skeleton'), undefined, { timeout: 15_000 });
    await page.waitForTimeout(300);
  }

  async function visitAll(width: number, height: number, suite: string): Promise<{ findings: AxeFinding[]; quality: PageQuality[] }> {
    const { context, page } = await signedInTab(width, height);
    const shots = new Screenshots(suite);
    const findings: AxeFinding[] = [];
    const quality: PageQuality[] = [];
    for (const [name, path] of paths) {
      await page.goto(path());
      await settle(page);
      findings.push(...(await accessibilityProblems(page, `${name} (${width}px)`)));
      quality.push({
        page: name,
        width,
        layoutShift: await page.evaluate(() => Math.round((window as unknown as { __layoutShift: number }).__layoutShift * 1000) / 1000),
        overflowsSideways: await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1),
      });
      await shots.take(page, name);
    }
    await context.close();
    return { findings, quality };
  }

  it('at a laptop width: accessible, no sideways scrolling, no layout jump', async () => {
    const { findings, quality } = await visitAll(1366, 900, 'pages-laptop');
    expect(findings).toEqual([]);
    expect(quality.filter((q) => q.overflowsSideways)).toEqual([]);
    expect(quality.filter((q) => q.layoutShift >= 0.1)).toEqual([]);
  });

  it('at a tablet width: accessible, no sideways scrolling, no layout jump', async () => {
    const { findings, quality } = await visitAll(768, 1024, 'pages-tablet');
    expect(findings).toEqual([]);
    expect(quality.filter((q) => q.overflowsSideways)).toEqual([]);
    expect(quality.filter((q) => q.layoutShift >= 0.1)).toEqual([]);
  });

  it('the sign-in page too, and every page can be used with the keyboard alone (skip link, visible focus)', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: platform.apiUrl });
    const page = await context.newPage();
    await page.goto('/console/customers');
    expect(await accessibilityProblems(page, 'sign in')).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('apiKey');
    await page.keyboard.type(TEST_ADMIN_KEY);
    await page.keyboard.press('Enter');
    // Deep link kept: signing in shows the page that was asked for.
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('link', { name: 'Pages Ltd' }).waitFor();
    // The focused control is visibly outlined.
    await page.getByRole('link', { name: 'Pages Ltd' }).focus();
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    await context.close();
  });
});
