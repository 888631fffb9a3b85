import { CatchUpTracker } from './catch-up-tracker';

describe('CatchUpTracker', () => {
  it('is caught up at once when the topics were empty at start', async () => {
    const t = new CatchUpTracker(new Map([['config', new Map([[0, 0n]])]]));
    await expect(t.caughtUp).resolves.toBeUndefined();
    expect(t.remaining).toBe(0);
  });

  it('waits for every partition to reach the end offset it had at start', async () => {
    const t = new CatchUpTracker(
      new Map([
        [
          'config',
          new Map([
            [0, 10n],
            [1, 3n],
          ]),
        ],
        ['other', new Map([[0, 1n]])],
      ]),
    );
    let done = false;
    void t.caughtUp.then(() => (done = true));
    t.handled('config', 0, '8'); // offsets 0..8: one short of 10
    t.handled('config', 1, '2');
    t.handled('other', 0, '0');
    await Promise.resolve();
    expect(done).toBe(false);
    expect(t.remaining).toBe(1);
    t.handled('config', 0, '9');
    await t.caughtUp;
    expect(t.remaining).toBe(0);
  });

  it('ignores partitions it does not track', () => {
    const t = new CatchUpTracker(new Map([['config', new Map([[0, 2n]])]]));
    t.handled('config', 5, '100');
    expect(t.remaining).toBe(1);
  });
});
