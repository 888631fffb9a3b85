import { HostHealth } from './host-health';
import { parseSchedule, RetryPolicy } from './retry-policy';

describe('retry schedule', () => {
  const tiers = parseSchedule('5s,1m,5m,30m,2h,6h,12h');

  it('parses durations and refuses anything else', () => {
    expect(tiers.map((t) => [t.name, t.delayMs])).toEqual([
      ['5s', 5000],
      ['1m', 60_000],
      ['5m', 300_000],
      ['30m', 1_800_000],
      ['2h', 7_200_000],
      ['6h', 21_600_000],
      ['12h', 43_200_000],
    ]);
    expect(() => parseSchedule('5s,soon')).toThrow(/not a duration/);
    expect(() => parseSchedule('5s,5s')).toThrow(/repeats/);
  });

  it('spreads eight attempts over about a day by default', () => {
    const hours = new RetryPolicy(tiers).totalDelayMs(8) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(26);
  });

  it('uses tier n for retry n, then stays on the last tier, with jitter within ±20 %', () => {
    const now = 1_000_000;
    const exact = new RetryPolicy(tiers, 0);
    expect(exact.next(1, now)).toEqual({ tier: tiers[0], dueAt: now + 5000 });
    expect(exact.next(3, now).tier.name).toBe('5m');
    expect(exact.next(12, now).tier.name).toBe('12h');
    const low = new RetryPolicy(tiers, 0.2, () => 0).next(2, now);
    const high = new RetryPolicy(tiers, 0.2, () => 0.999999).next(2, now);
    expect(low.dueAt - now).toBe(48_000);
    expect(high.dueAt - now).toBeCloseTo(72_000, -1);
  });

  it('honours Retry-After: a longer tier, and not due before it; capped at the last tier', () => {
    const now = 0;
    const p = new RetryPolicy(tiers, 0);
    expect(p.next(1, now, 90_000)).toEqual({ tier: tiers[2], dueAt: 300_000 });
    expect(p.next(1, now, 3000)).toEqual({ tier: tiers[0], dueAt: 5000 });
    expect(p.next(1, now, 7 * 86_400_000)).toEqual({ tier: tiers[6], dueAt: 43_200_000 });
    const jittered = new RetryPolicy(parseSchedule('1m'), 0.2, () => 0).next(1, now, 59_000);
    expect(jittered.dueAt).toBe(59_000);
  });
});

describe('host circuit breaker', () => {
  it('opens after consecutive failures and closes on the first success', () => {
    const h = new HostHealth(3);
    h.failure('a');
    h.failure('a');
    expect(h.isOpen('a')).toBe(false);
    h.success('a');
    h.failure('a');
    h.failure('a');
    expect(h.isOpen('a')).toBe(false);
    h.failure('a');
    expect(h.isOpen('a')).toBe(true);
    expect(h.isOpen('b')).toBe(false);
    expect(h.openHosts()).toBe(1);
    h.success('a');
    expect(h.isOpen('a')).toBe(false);
    expect(h.openHosts()).toBe(0);
  });
});
