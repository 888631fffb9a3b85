import { OffsetCommitter } from './offset-committer';

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits the latest offset of each partition once per interval, not once per batch', async () => {
    const commits: Array<Array<{ topic: string; partition: number; offset: string }>> = [];
    const c = new OffsetCommitter(
      (o) => (commits.push(o), Promise.resolve()),
      200,
      10_000,
      () => undefined,
    );
    c.mark('jobs', 0, '11', 1);
    c.mark('jobs', 0, '12', 1);
    c.mark('jobs', 1, '5', 1);
    expect(commits).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(200);
    expect(commits).toEqual([
      [
        { topic: 'jobs', partition: 0, offset: '12' },
        { topic: 'jobs', partition: 1, offset: '5' },
      ],
    ]);
  });

  it('commits at once when enough records wait, and on flush', async () => {
    const commits: string[][] = [];
    const c = new OffsetCommitter(
      (o) => (commits.push(o.map((x) => x.offset)), Promise.resolve()),
      10_000,
      3,
      () => undefined,
    );
    c.mark('jobs', 0, '2', 2);
    c.mark('jobs', 0, '3', 1);
    await Promise.resolve();
    expect(commits).toEqual([['3']]);
    c.mark('jobs', 0, '4', 1);
    await c.flush();
    expect(commits).toEqual([['3'], ['4']]);
  });

  it('commits after every batch with a zero interval', async () => {
    const commits: string[][] = [];
    const c = new OffsetCommitter(
      (o) => (commits.push(o.map((x) => x.offset)), Promise.resolve()),
      0,
      10_000,
      () => undefined,
    );
    c.mark('jobs', 0, '1', 1);
    await c.flush();
    c.mark('jobs', 0, '2', 1);
    await c.flush();
    expect(commits).toEqual([['1'], ['2']]);
  });

  it('reports a failed commit and never commits those offsets again (a newer mark commits past them)', async () => {
    const errors: unknown[] = [];
    const commits: string[][] = [];
    let fail = true;
    const c = new OffsetCommitter(
      (o) => {
        if (fail) return Promise.reject(new Error('rebalancing'));
        commits.push(o.map((x) => x.offset));
        return Promise.resolve();
      },
      0,
      10_000,
      (e) => errors.push(e),
    );
    c.mark('jobs', 0, '7', 1);
    await c.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    await c.flush();
    expect(commits).toEqual([]);
    c.mark('jobs', 0, '9', 1);
    await c.flush();
    expect(commits).toEqual([['9']]);
  });
});
