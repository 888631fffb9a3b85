import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One of the built services as its own process (`dist/`), for tests that kill it. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: string;

  constructor(
    readonly name: 'config-service' | 'router-service' | 'delivery-service',
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    const main = join(ROOT, `dist/apps/${this.name}/apps/${this.name}/src/main.js`);
    this.child = spawn(process.execPath, [main], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (c: Buffer) => {
      this.output = (this.output + c.toString()).slice(-30_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    await waitHttp(`${this.url}/health/ready`, 90_000, () => this.tail());
    return this;
  }

  /** As a crash would: no shutdown hooks, nothing flushed. */
  kill9(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }

  /** SIGTERM, as a supervisor stops a service: how long it took to exit, and how (SIGKILL after 30 s). */
  async terminate(): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} is not running`);
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const how = await exited;
    clearTimeout(t);
    return { ms: Date.now() - started, ...how };
  }

  tail(lines = 20): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}

/** A private Kafka broker (scripts/kafka/kafka.sh instance) that a test stops and starts itself. */
export class PrivateBroker {
  readonly env: Record<string, string>;

  constructor(
    readonly instance: string,
    readonly port: number,
    controllerPort: number,
  ) {
    this.env = { ...process.env, KAFKA_INSTANCE: instance, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort) };
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  async kafka(command: 'start' | 'stop' | 'reset' | 'kill9'): Promise<void> {
    await run(join(ROOT, 'scripts/kafka/kafka.sh'), [command], { env: this.env, timeout: 180_000 });
  }
}

/** A private MariaDB/MySQL server on its own port and data dir, that a test stops and starts itself. */
export class PrivateDatabase {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'pb-mariadb-'));

  constructor(readonly port: number) {}

  get serverUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  async install(): Promise<void> {
    writeFileSync(join(this.dir, 'my.cnf'), '[mysqld]\n');
    await run(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${join(this.dir, 'data')}`, '--user=root', '--skip-test-db', '--auth-root-authentication-method=normal'],
      { timeout: 120_000 },
    );
  }

  async start(): Promise<void> {
    this.child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        '--user=root',
        '--skip-grant-tables',
        '--innodb-buffer-pool-size=64M',
        '--default-time-zone=+00:00',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await run('mariadb', ['-h127.0.0.1', `-P${this.port}`, '-uroot', '-e', 'SELECT 1'], { timeout: 5000 });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error('the private MariaDB did not start');
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
