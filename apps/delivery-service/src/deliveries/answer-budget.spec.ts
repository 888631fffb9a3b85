import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerWithin } from './answer-budget';

/** Keeps the event loop busy, as a CPU-starved process or a long synchronous stretch would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
}

describe('answerWithin (the main lane budget for an answer)', () => {
  // The receiver is another process, so it answers while this one is busy; it touches a file once
  // an answer is written, so that the test knows when the answer is in this process's socket.
  let receiver: ChildProcess;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'answer-budget-'));
  const answered = join(dir, 'answered');

  beforeAll(async () => {
    const echo =
      "const fs=require('fs');const s=require('net').createServer(c=>c.on('data',d=>c.write(d,()=>fs.writeFileSync(process.argv[1],''))));" +
      "s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
    receiver = spawn(process.execPath, ['-e', echo, answered], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve) => receiver.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  });
  afterAll(() => {
    receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An answer over a real socket: an echo of `text`. */
  async function ask(text: string): Promise<{ answer: Promise<string>; socket: Socket }> {
    const socket = new Socket();
    await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
    const answer = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
    socket.write(text);
    return { answer, socket };
  }

  it('gives the answer that comes in time', async () => {
    await expect(answerWithin(Promise.resolve('ok'), 1000)).resolves.toBe('ok');
  });

  it('gives up on an answer that does not come within the budget', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(answerWithin(never, 30)).resolves.toBeUndefined();
  });

  it('passes on a failed attempt', async () => {
    await expect(answerWithin(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('reads an answer that arrived while the event loop was busy past the budget, before giving up', async () => {
    const { answer, socket } = await ask('pong');
    // No extension for lateness here (lateMs huge): only the read-pending-I/O-first rule is tested.
    const within = answerWithin(answer, 50, 60_000);
    // Busy until the echo is in this process's socket and past the budget: the budget timer and
    // the socket read are then both due.
    const until = Date.now() + 10_000;
    while (!existsSync(answered) && Date.now() < until) block(5);
    block(100);
    await expect(within).resolves.toBe('pong');
    socket.destroy();
  });

  it('gives back, once, the time the budget timer was late (the process was busy, not the receiver)', async () => {
    const answer = new Promise<string>((resolve) => setTimeout(() => resolve('late but fine'), 430));
    const within = answerWithin(answer, 100, 50);
    block(400); // the timer due at 100 ms runs at about 400: 300 ms late, so up to 100 ms more
    await expect(within).resolves.toBe('late but fine');
  });

  it('gives back the lateness only once', async () => {
    jest.useFakeTimers();
    try {
      // Timers on the fake clock; the budget's clock runs ahead of it by `stalled` (a busy process).
      let stalled = 0;
      const now = () => Date.now() + stalled;
      // Fires the next timer (the budget; the look at pending I/O runs with it), then lets what it
      // resolved run.
      const step = async () => {
        await jest.advanceTimersToNextTimerAsync();
        for (let i = 0; i < 10; i++) await Promise.resolve();
      };
      let settled = false;
      const within = answerWithin(new Promise<string>(() => undefined), 50, 20, now).then((v) => ((settled = true), v));
      stalled += 150; // the budget timer runs 150 ms late
      await step();
      expect(settled).toBe(false); // so 50 ms more
      stalled += 150; // and the extension's timer is late too
      await step();
      expect(settled).toBe(true);
      await expect(within).resolves.toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
