import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { NestPinoLogger, shutdownWork } from '@postback/observability';
import type { Logger } from 'pino';
import { GracefulShutdown, readShutdownTimeout } from './graceful-shutdown';

export interface ServiceStartOptions {
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  port: number;
  host: string;
  /** The Kafka transport, taken from the app's container so it gets its dependencies by DI. */
  transport?: Type<CustomTransportStrategy>;
  /** HTTP setup (filters, Swagger) before listening. */
  setup?: (app: INestApplication) => void | Promise<void>;
  /** Bound of a shutdown (default: SHUTDOWN_TIMEOUT_MS, else 8000 ms). */
  shutdownTimeoutMs?: number;
}

/**
 * Starts a service: HTTP first (so /health/live answers while Kafka views load), then the Kafka
 * transport. On SIGTERM/SIGINT the consumers stop first (the batches in flight finish and are
 * committed), then Nest's hooks close the rest (background work, producers, connections), all
 * within SHUTDOWN_TIMEOUT_MS: see GracefulShutdown.
 */
export async function startService(options: ServiceStartOptions): Promise<INestApplication> {
  const timeoutMs = options.shutdownTimeoutMs ?? readShutdownTimeout();
  const app = await NestFactory.create(options.module, { logger: new NestPinoLogger(options.logger), bufferLogs: true });
  const transport = options.transport ? app.get(options.transport) : undefined;
  const close = app.close.bind(app);
  const shutdown = new GracefulShutdown({
    logger: options.logger,
    timeoutMs,
    stop: async () => {
      if (transport) await shutdownWork.track('kafka consumers stopping', Promise.resolve<unknown>(transport.close()));
      await shutdownWork.track('application shutdown hooks', close());
    },
  });
  shutdown.listen();
  // An app closed by its owner (tests start several in one process) stops listening for signals.
  app.close = (...args: Parameters<INestApplication['close']>) => {
    shutdown.unlisten();
    return close(...args);
  };
  try {
    await options.setup?.(app);
    if (transport) app.connectMicroservice({ strategy: transport });
    await app.listen(options.port, options.host);
    options.logger.info({ url: `http://${options.host}:${options.port}` }, 'http listening');
    if (transport) await app.startAllMicroservices();
  } catch (e) {
    // A start that failed (e.g. a check at bootstrap) releases what it opened, within the bound.
    shutdown.unlisten();
    await Promise.race([close().catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    throw e;
  }
  options.logger.info('service started');
  return app;
}

/** Logs and exits on a failed start, so supervisors restart the process. */
export function exitOnStartFailure(logger: Logger) {
  return (error: unknown): never => {
    logger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  };
}
