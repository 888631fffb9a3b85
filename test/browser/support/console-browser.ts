import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium (the test script installs it); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(__dirname, '../../../test-results/console');
export const CONSOLE_DIR = resolve(__dirname, '../../../dist/console');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The flags keep Chromium off the network it cannot reach here (sync, updates, metrics).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A page of the console at a laptop's size, collecting what the browser reports: uncaught
 * errors (a test fails on any), and console errors other than refused requests (which some
 * error-path tests cause on purpose).
 */
export async function openConsole(browser: Browser, baseUrl: string, viewport = { width: 1366, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|net::ERR/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  await page.goto('/console/');
  return { page, problems };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Numbered screenshots of a walkthrough: test-results/console/<suite>/NN-<step>.png. */
export class Screenshots {
  private n = 0;
  readonly dir: string;

  constructor(suite: string) {
    this.dir = join(ARTIFACTS, suite);
    mkdirSync(this.dir, { recursive: true });
  }

  async take(page: Page, step: string, fullPage = true): Promise<string> {
    this.n++;
    const path = join(this.dir, `${String(this.n).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path, fullPage });
    return path;
  }
}

export interface AxeFinding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe on the page as it is now; returns the serious and critical violations (WCAG 2.x A and AA). */
export async function accessibilityProblems(page: Page, where: string): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: where, rule: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}
