import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1000));

  /** Tokens taken while the clock runs for `ms`, taking whenever the bucket says one is there. */
  function takenOver(bucket: TokenBucket, ms: number): number {
    const end = now + ms;
    let taken = 0;
    while (now <= end) {
      const wait = bucket.take();
      if (wait === 0) taken++;
      else now += wait;
    }
    return taken;
  }

  it('gives the burst at once, then one token per 1/rate second', () => {
    const bucket = new TokenBucket(100, 5, clock);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(10);
    now += 9;
    expect(bucket.take()).toBe(1);
    now += 1;
    expect(bucket.take()).toBe(0);
  });

  it('keeps to the rate over time: 200/s for 10 s is 2000 tokens plus the burst', () => {
    const bucket = new TokenBucket(200, undefined, clock);
    expect(bucket.burst).toBe(10);
    expect(takenOver(bucket, 10_000)).toBe(2000 + 10);
  });

  it('saves up no more than the burst while idle', () => {
    const bucket = new TokenBucket(1000, 50, clock);
    now += 60_000;
    let taken = 0;
    while (bucket.take() === 0) taken++;
    expect(taken).toBe(50);
  });

  it('works below one token a second, and refuses a rate that is not positive', () => {
    const bucket = new TokenBucket(0.5, 1, clock);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(2000);
    expect(() => new TokenBucket(0)).toThrow('positive rate');
  });
});
