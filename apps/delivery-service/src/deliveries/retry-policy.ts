/** A retry tier: its own topic, named after its delay. */
export interface RetryTier {
  name: string;
  delayMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "5s,1m,5m,30m,2h,6h,12h" into tiers; throws on anything else. */
export function parseSchedule(text: string): RetryTier[] {
  const tiers = text.split(',').map((part) => {
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(part.trim());
    if (!m) throw new Error(`"${part.trim()}" is not a duration such as 30s, 5m or 2h`);
    return { name: `${m[1]}${m[2]}`, delayMs: Number(m[1]) * UNITS[m[2]] };
  });
  if (tiers.length === 0) throw new Error('the retry schedule is empty');
  if (new Set(tiers.map((t) => t.name)).size !== tiers.length) throw new Error('the retry schedule repeats a delay');
  return tiers;
}

export interface RetryDecision {
  tier: RetryTier;
  dueAt: number;
}

/**
 * When to try again: retry n (n = 1 for the second attempt) uses tier n, or the last tier once the
 * schedule is used up; the delay gets ±`jitter` so that a receiver's backlog does not come back at
 * once. A Retry-After the receiver asked for is honoured (up to the last tier's delay): the job goes
 * to the first tier at least that long, and is not due before it.
 */
export class RetryPolicy {
  constructor(
    readonly tiers: readonly RetryTier[],
    private readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {}

  next(retryNumber: number, now: number, retryAfterMs?: number): RetryDecision {
    const last = this.tiers[this.tiers.length - 1];
    let tier = this.tiers[Math.min(retryNumber, this.tiers.length) - 1] ?? last;
    const wanted = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, last.delayMs);
    if (wanted > tier.delayMs) tier = this.tiers.find((t) => t.delayMs >= wanted) ?? last;
    const jittered = tier.delayMs * (1 + this.jitter * (2 * this.random() - 1));
    return { tier, dueAt: now + Math.max(wanted, Math.round(jittered)) };
  }

  /** Sum of the delays a job can wait in all, for documentation and metrics. */
  totalDelayMs(maxAttempts: number): number {
    let total = 0;
    for (let n = 1; n < maxAttempts; n++) total += this.tiers[Math.min(n, this.tiers.length) - 1].delayMs;
    return total;
  }
}
