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

describe('BatchWindow, pipelined', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Commits that end only when the test says so, in order. */
  function pipelined(maxRecords = 100, maxBytes?: number) {
    const started: Array<{ offsets: PartitionOffset[]; records: number; end: (error?: Error) => void }> = [];
    const failures: unknown[] = [];
    const window = new BatchWindow(
      (records, offsets) =>
        new Promise<void>((resolve, reject) =>
          started.push({
            offsets,
            records: records.reduce((n, t) => n + t.messages.length, 0),
            end: (error) => (error ? reject(error) : resolve()),
          }),
        ),
      { maxWindowMs: 0, maxRecords, maxBytes, pipelined: true, onFailure: (e) => failures.push(e), now: () => 1_000 },
    );
    const submit = (partition: number, offset: number, count = 1) =>
      window.submit(
        (sink) =>
          sink.send(
            'jobs',
            Array.from({ length: count }, (_, i) => ({ key: `${offset}.${i}`, value: 'v' })),
          ),
        { topic: 'orders', partition, offset: String(offset) },
        count,
      );
    return { window, started, failures, submit };
  }

  it('returns a batch before its window is committed, and commits the next window only after the running one', async () => {
    const h = pipelined();
    await h.submit(0, 1); // resolves with nothing committed yet
    await jest.advanceTimersByTimeAsync(0);
    expect(h.started).toHaveLength(1);
    await h.submit(0, 2);
    await h.submit(1, 7);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.started).toHaveLength(1); // one commit at a time: the next window waits
    h.started[0].end();
    await jest.advanceTimersByTimeAsync(0);
    expect(h.started).toHaveLength(2);
    expect(h.started[1].offsets.map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:2', '1:7']);
  });

  it('flush resolves only once every pending window is committed (what the consumer awaits before it rejoins)', async () => {
    const h = pipelined();
    await h.submit(0, 1);
    await jest.advanceTimersByTimeAsync(0);
    await h.submit(0, 2);
    let flushed = false;
    const flush = h.window.flush().then(() => (flushed = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    h.started[0].end();
    await jest.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false); // the second window is committing now
    expect(h.started).toHaveLength(2);
    h.started[1].end();
    await flush;
    expect(flushed).toBe(true);
  });

  it('after a failed commit, never commits the later window and fails every later batch', async () => {
    const h = pipelined();
    await h.submit(0, 1);
    await jest.advanceTimersByTimeAsync(0);
    await h.submit(0, 2); // in the next window, behind the failing one
    h.started[0].end(new Error('fenced'));
    await jest.advanceTimersByTimeAsync(0);
    await expect(h.submit(0, 3)).rejects.toThrow('fenced');
    await h.window.flush();
    await jest.advanceTimersByTimeAsync(10);
    expect(h.started).toHaveLength(1); // offset 2 (and 3) never committed: read again after the restart
    expect(h.failures).toHaveLength(1);
  });

  it('holds a batch back once the open window is full while a commit runs', async () => {
    const h = pipelined(3);
    await h.submit(0, 1);
    await jest.advanceTimersByTimeAsync(0);
    await h.submit(0, 2, 2);
    let returned = false;
    const full = h.submit(0, 3, 2).then(() => (returned = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(returned).toBe(false);
    h.started[0].end();
    await full;
    await jest.advanceTimersByTimeAsync(0);
    expect(h.started[1].records).toBe(4);
  });

  it('counts bytes too: a window past maxBytes holds the next batch back (one partition of it is one record batch at the broker)', async () => {
    const h = pipelined(100, 20); // each record is 4 bytes: key "<offset>.<i>", value "v"
    await h.submit(0, 1);
    await jest.advanceTimersByTimeAsync(0);
    await h.submit(0, 2, 3); // 12 bytes: not full yet
    let returned = false;
    const full = h.submit(0, 3, 3).then(() => (returned = true)); // 24 bytes: full
    await jest.advanceTimersByTimeAsync(0);
    expect(returned).toBe(false);
    h.started[0].end();
    await full;
  });
});
