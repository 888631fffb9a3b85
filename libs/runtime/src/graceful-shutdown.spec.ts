import { createLogger, shutdownWork } from '@postback/observability';
import { Writable } from 'node:stream';
import { GracefulShutdown, readShutdownTimeout } from './graceful-shutdown';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info' }, stream) };
}

describe('a bounded shutdown', () => {
  afterEach(() => shutdownWork.reset());

  it('exits 0 once everything stopped in time', async () => {
    const { lines, logger } = capture();
    const exit = jest.fn();
    await new GracefulShutdown({ logger, timeoutMs: 1000, stop: () => new Promise((r) => setTimeout(r, 20)), exit }).shutdown('SIGTERM');
    expect(exit).toHaveBeenCalledWith(0);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/^shutting down/), 'stopped']);
  });

  it('exits 1 at the deadline, naming what did not finish', async () => {
    const { lines, logger } = capture();
    const exit = jest.fn();
    const never = new Promise<void>(() => undefined);
    const started = Date.now();
    await new GracefulShutdown({
      logger,
      timeoutMs: 200,
      stop: async () => {
        await shutdownWork.track('quick', Promise.resolve());
        await shutdownWork.track('kafka producer: sends in flight, disconnect', never);
      },
      exit,
    }).shutdown('SIGTERM');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(exit).toHaveBeenCalledWith(1);
    const fatal = lines.find((l) => l.level === 'fatal');
    expect(fatal?.unfinished).toEqual(['kafka producer: sends in flight, disconnect']);
    expect(fatal?.msg).toMatch(/did not finish within 200 ms \(SHUTDOWN_TIMEOUT_MS\)/);
  });

  it('exits 1 when stopping fails, and runs once however many signals come', async () => {
    const { logger } = capture();
    const exit = jest.fn();
    const stop = jest.fn(() => Promise.reject(new Error('boom')));
    const shutdown = new GracefulShutdown({ logger, timeoutMs: 1000, stop, exit });
    await Promise.all([shutdown.shutdown('SIGTERM'), shutdown.shutdown('SIGINT')]);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('tells the time left to the parts that wait', () => {
    expect(shutdownWork.remainingMs()).toBe(Infinity);
    shutdownWork.begin(5000);
    expect(shutdownWork.remainingMs()).toBeGreaterThan(4900);
  });

  it('reads SHUTDOWN_TIMEOUT_MS, 8000 ms by default', () => {
    expect(readShutdownTimeout({})).toBe(8000);
    expect(readShutdownTimeout({ SHUTDOWN_TIMEOUT_MS: '3000' })).toBe(3000);
    expect(() => readShutdownTimeout({ SHUTDOWN_TIMEOUT_MS: 'soon' })).toThrow(/SHUTDOWN_TIMEOUT_MS must be an integer/);
  });
});
