import type { Locator } from 'playwright-core';

/**
 * Web-first assertions for jest, in the manner of Playwright's: each polls the page until the
 * state matches or the time runs out, so tests wait for what a person would wait for, without
 * sleeps.
 */
const DEFAULT_TIMEOUT = 10_000;

async function pollUntil(check: () => Promise<boolean>, timeoutMs = DEFAULT_TIMEOUT): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function locatorMatcher(name: string, test: (l: Locator, expected: unknown) => Promise<{ ok: boolean; actual: unknown }>) {
  return async function (this: jest.MatcherContext, locator: Locator, expected?: unknown) {
    let last: unknown;
    const ok = await pollUntil(async () => {
      const r = await test(locator, expected);
      last = r.actual;
      return r.ok !== this.isNot;
    });
    return {
      pass: ok !== this.isNot,
      message: () => `${name}: expected ${String(locator)} ${this.isNot ? 'not ' : ''}to match ${JSON.stringify(expected)}; last saw ${JSON.stringify(last)}`,
    };
  };
}

expect.extend({
  toHaveCount: locatorMatcher('toHaveCount', async (l, n) => {
    const c = await l.count();
    return { ok: c === n, actual: c };
  }),
  toBeChecked: locatorMatcher('toBeChecked', async (l) => {
    const c = await l.isChecked();
    return { ok: c, actual: c };
  }),
  toBeVisible: locatorMatcher('toBeVisible', async (l) => {
    const v = await l.isVisible();
    return { ok: v, actual: v };
  }),
  toBeEnabled: locatorMatcher('toBeEnabled', async (l) => {
    const v = await l.isEnabled();
    return { ok: v, actual: v };
  }),
  toBeDisabled: locatorMatcher('toBeDisabled', async (l) => {
    const v = await l.isDisabled();
    return { ok: v, actual: v };
  }),
  toHaveValue: locatorMatcher('toHaveValue', async (l, v) => {
    const actual = await l.inputValue();
    return { ok: actual === v, actual };
  }),
  toContainText: locatorMatcher('toContainText', async (l, t) => {
    const actual = await l.innerText();
    return { ok: actual.includes(String(t)), actual };
  }),
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveCount(n: number): Promise<R>;
      toBeChecked(): Promise<R>;
      toBeVisible(): Promise<R>;
      toBeEnabled(): Promise<R>;
      toBeDisabled(): Promise<R>;
      toHaveValue(value: string): Promise<R>;
      toContainText(text: string): Promise<R>;
    }
  }
}

/** Polls a value until it passes an assertion (e.g. an editor's text after a debounced render). */
export function eventually<T>(read: () => Promise<T>, timeoutMs = DEFAULT_TIMEOUT) {
  const run = async (assert: (v: T) => void) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      try {
        assert(value);
        return value;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  return {
    toContain: (part: string) => run((v) => expect(v).toContain(part)),
    toBe: (expected: T) => run((v) => expect(v).toBe(expected)),
  };
}
