import { BatchWindow, PartitionOffset } from './batch-window';
import type { TopicMessages } from './messages';

interface Commit {
  records: TopicMessages[];
  offsets: PartitionOffset[];
}

function harness(maxWindowMs: number, fail = false) {
  const commits: Commit[] = [];
  let clock = 1_000;
  const window = new BatchWindow(
    (records, offsets) => {
      if (fail) return Promise.reject(new Error('fenced'));
      commits.push({ records, offsets });
      return Promise.resolve();
    },
    { maxWindowMs, maxRecords: 100, now: () => clock },
  );
  const submit = (partition: number, offset: number, records: string[]) =>
    window.submit(
      (sink) =>
        sink.send(
          'jobs',
          records.map((r) => ({ key: r, value: r })),
        ),
      { topic: 'orders', partition, offset: String(offset) },
      records.length,
    );
  return { window, commits, submit, tick: (ms: number) => (clock += ms) };
}

describe('BatchWindow', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits the batches of one fetch together, records and offsets, and resolves each after the commit', async () => {
    const h = harness(10);
    const done: number[] = [];
    const a = h.submit(0, 5, ['a1', 'a2']).then(() => done.push(0));
    const b = h.submit(1, 9, ['b1']).then(() => done.push(1));
    await Promise.resolve();
    expect(done).toEqual([]);
    await jest.advanceTimersByTimeAsync(0);
    await Promise.all([a, b]);
    expect(h.commits).toHaveLength(1);
    expect(h.commits[0].records).toEqual([{ topic: 'jobs', messages: ['a1', 'a2', 'b1'].map((r) => ({ key: r, value: r })) }]);
    expect(h.commits[0].offsets).toEqual([
      { topic: 'orders', partition: 0, offset: '5', records: 2 },
      { topic: 'orders', partition: 1, offset: '9', records: 1 },
    ]);
  });

  it('commits at once while traffic is sparse, so a lone event waits for nothing', async () => {
    const h = harness(10);
    for (let i = 0; i < 3; i++) {
      const p = h.submit(0, i + 1, [`e${i}`]);
      await jest.advanceTimersByTimeAsync(0);
      await p;
      h.tick(50); // one event every 50 ms: a window of 10 ms would gather nothing more
    }
    expect(h.commits).toHaveLength(3);
  });

  it('holds the window open under a dense stream, so that batches share a commit', async () => {
    const h = harness(10);
    // A dense stream: 10 records a millisecond over several fetch cycles.
    for (let i = 0; i < 5; i++) {
      const p = h.submit(
        0,
        10 * (i + 1),
        Array.from({ length: 10 }, (_, j) => `r${i}.${j}`),
      );
      await jest.advanceTimersByTimeAsync(0);
      h.tick(1);
      if (i < 4) await Promise.race([p, Promise.resolve()]);
    }
    const before = h.commits.length;
    const last = h.submit(0, 60, ['late']);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.commits.length).toBe(before); // not yet: the window stays open
    h.tick(10);
    await jest.advanceTimersByTimeAsync(10);
    await last;
    expect(h.commits.length).toBe(before + 1);
    expect(h.commits[h.commits.length - 1].offsets[0].offset).toBe('60');
  });

  it('fails every batch of a window whose commit failed', async () => {
    const h = harness(0, true);
    const a = expect(h.submit(0, 1, ['a'])).rejects.toThrow('fenced');
    const b = expect(h.submit(1, 1, ['b'])).rejects.toThrow('fenced');
    await jest.advanceTimersByTimeAsync(0);
    await a;
    await b;
    expect(h.commits).toEqual([]);
  });

  it('flush commits what is open now', async () => {
    const h = harness(1000);
    for (let i = 0; i < 3; i++) {
      void h.submit(0, i + 1, ['x', 'y', 'z']).catch(() => undefined);
      h.tick(1);
      await jest.advanceTimersByTimeAsync(0);
    }
    const p = h.submit(0, 9, ['w']);
    await Promise.resolve(); // the batch's work has run and its records are in the window
    await Promise.resolve();
    await h.window.flush();
    await p;
    expect(h.commits[h.commits.length - 1].offsets[0].offset).toBe('9');
  });
});
