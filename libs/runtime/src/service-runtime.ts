import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { NestPinoLogger } from '@postback/observability';
import type { Logger } from 'pino';

export interface ServiceStartOptions {
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  port: number;
  host: string;
  /** The Kafka transport, taken from the app's container so it gets its dependencies by DI. */
  transport?: Type<CustomTransportStrategy>;
  /** HTTP setup (filters, Swagger) before listening. */
  setup?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service: HTTP first (so /health/live answers while Kafka views load), then the Kafka
 * transport. SIGTERM/SIGINT close consumers, producers and connections in order.
 */
export async function startService(options: ServiceStartOptions): Promise<INestApplication> {
  const app = await NestFactory.create(options.module, { logger: new NestPinoLogger(options.logger), bufferLogs: true });
  app.enableShutdownHooks();
  await options.setup?.(app);
  if (options.transport) app.connectMicroservice({ strategy: app.get(options.transport) });
  await app.listen(options.port, options.host);
  options.logger.info({ url: `http://${options.host}:${options.port}` }, 'http listening');
  if (options.transport) await app.startAllMicroservices();
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
