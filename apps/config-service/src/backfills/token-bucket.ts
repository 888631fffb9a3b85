/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up while idle. A backfill
 * takes one per delivery job, so what it adds to the deliveries topic (and to the receiver) never
 * exceeds its rate for longer than the burst; the burst is kept small (50 ms of the rate by default)
 * so that live jobs never queue behind a large block of backfill jobs.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    readonly burst = Math.max(1, Math.ceil(ratePerSecond / 20)),
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`a token bucket needs a positive rate, got ${ratePerSecond}`);
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token when there is one and answers 0; otherwise takes nothing and answers the milliseconds until there is one. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}
