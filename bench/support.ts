import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A process of the benchmark (a service or the baseline), with its peak RSS read from /proc. */
export class BenchProcess {
  private readonly child: ChildProcess;
  private output = '';

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // BENCH_LOG_DIR: keep each process's whole output there too (with BENCH_LOG_LEVEL=debug, the
    // transport's per-batch timings).
    const file = process.env.BENCH_LOG_DIR ? join(process.env.BENCH_LOG_DIR, `${name}.log`) : undefined;
    if (file) mkdirSync(dirname(file), { recursive: true });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      if (file) appendFileSync(file, chunk);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Peak resident set size in MiB (VmHWM), or undefined once the process is gone. */
  peakRssMb(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Math.round(Number(kb) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  /** CPU time (user + system) used so far, in milliseconds, from /proc/<pid>/stat. */
  cpuMs(): number {
    return processCpuMs(this.pid);
  }

  /** Sends a signal (SIGKILL: the crash of a fault test). */
  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  tail(): string {
    return this.output.split('\n').slice(-15).join('\n');
  }

  async stop(): Promise<void> {
    // Gone already (exited, or killed by a signal: then exitCode stays null and signalCode is set).
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function waitHttp(url: string, timeoutMs: number, what: string, proc?: BenchProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready at ${url} after ${timeoutMs} ms${proc ? `\n${proc.tail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Counts postbacks by webhook-id (or event id) and records end-to-end latency from occurredAt. */
export class CountingReceiver {
  private server: Server | undefined;
  readonly seen = new Set<string>();
  latenciesMs: number[] = [];
  duplicates = 0;
  firstAt = 0;
  lastAt = 0;
  private waiters: Array<() => void> = [];
  /** Requests received (all of them, counted or not). */
  requests = 0;

  /** `hangMs`: answer every request only after this long (a receiver that hangs); such requests are not counted. */
  constructor(private readonly hangMs = 0) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests++;
      if (this.hangMs > 0) {
        req.resume();
        const t = setTimeout(() => res.end(), this.hangMs);
        res.on('close', () => clearTimeout(t));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const now = Date.now();
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '') || (JSON.parse(body) as { id: string }).id;
        const occurredAt = Date.parse((JSON.parse(body) as { occurredAt: string }).occurredAt);
        if (this.seen.has(id)) this.duplicates++;
        else {
          this.seen.add(id);
          this.latenciesMs.push(now - occurredAt);
        }
        if (!this.firstAt) this.firstAt = now;
        this.lastAt = now;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        const w = this.waiters;
        this.waiters = [];
        w.forEach((f) => f());
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.seen.clear();
    this.latenciesMs = [];
    this.duplicates = 0;
    this.firstAt = 0;
    this.lastAt = 0;
  }

  async waitForCount(n: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.size < n) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** User + system CPU time of a process so far, in ms (NaN once it is gone). */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The local broker's pid (scripts/kafka/kafka.sh), when the bench runs against it. */
export function localBrokerPid(root: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(root, `.local/kafka/instances/${process.env.KAFKA_INSTANCE ?? 'default'}/kafka.pid`), 'utf8').trim());
    return Number.isFinite(processCpuMs(pid)) ? pid : undefined;
  } catch {
    return undefined;
  }
}
