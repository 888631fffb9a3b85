import { shutdownWork } from '@postback/observability';
import type { Logger } from 'pino';
import { EnvReader } from './env-reader';

/** Default bound of a shutdown: under the 10 s most supervisors wait before SIGKILL. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8000;

/** SHUTDOWN_TIMEOUT_MS: how long a service may take to stop after SIGTERM before it exits anyway. */
export function readShutdownTimeout(env: Record<string, string | undefined> = process.env): number {
  const reader = new EnvReader(env);
  return reader.done(reader.int('SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS, { min: 500, max: 600_000 }));
}

export interface GracefulShutdownOptions {
  logger: Logger;
  timeoutMs: number;
  /** Stops taking work, finishes or hands back what is in flight, commits, closes connections. */
  stop: () => Promise<void>;
  /** process.exit, replaced in tests. */
  exit?: (code: number) => void;
}

/**
 * A bounded shutdown. On the first signal the service stops (see `stop`); if that is not over within
 * `timeoutMs` (a broker or database that does not answer: kafkajs retries a disconnect or a
 * transaction for much longer), the process exits with 1 anyway, having logged what had not
 * finished. Nothing is lost that way: what was not committed is read again (consumer offsets and
 * transactions are committed only after their work is done), and a delivery repeated keeps its
 * webhook-id. Further signals while stopping are ignored.
 */
export class GracefulShutdown {
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: GracefulShutdownOptions) {}

  private readonly onSignal = (signal: NodeJS.Signals) => void this.shutdown(signal);
  private signals: NodeJS.Signals[] = [];

  /** Installs the handler for SIGTERM and SIGINT. */
  listen(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    this.signals = signals;
    for (const signal of signals) process.on(signal, this.onSignal);
  }

  /** Removes it (an app closed otherwise, e.g. in tests that start several in one process). */
  unlisten(): void {
    for (const signal of this.signals) process.removeListener(signal, this.onSignal);
    this.signals = [];
  }

  shutdown(signal: string): Promise<void> {
    if (this.stopping) {
      this.options.logger.warn({ signal }, 'already shutting down');
      return this.stopping;
    }
    this.stopping = this.run(signal);
    return this.stopping;
  }

  private async run(signal: string): Promise<void> {
    const { logger, timeoutMs } = this.options;
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    const started = Date.now();
    shutdownWork.begin(timeoutMs);
    logger.info({ signal, timeoutMs }, 'shutting down: taking no new work, finishing and committing what is in flight');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const stopped = this.options.stop().then(
      () => 'stopped' as const,
      (e: unknown) => e,
    );
    const result = await Promise.race([stopped, deadline]);
    clearTimeout(timer);
    if (result === 'timeout') {
      logger.fatal(
        { timeoutMs, unfinished: shutdownWork.pending() },
        `shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): exiting; what was not committed will be processed again`,
      );
      exit(1);
    } else if (result === 'stopped') {
      logger.info({ ms: Date.now() - started }, 'stopped');
      exit(0);
    } else {
      logger.error({ err: result, unfinished: shutdownWork.pending() }, 'shutdown failed; exiting');
      exit(1);
    }
  }
}
