import { DynamicModule, Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { Registry } from 'prom-client';
import { HealthService } from './health';
import { createMetricsRegistry } from './metrics';
import { ObservabilityController } from './observability.controller';

export const LOGGER = Symbol('LOGGER');

export interface ObservabilityOptions {
  service: string;
  logger: Logger;
}

/** Logger, metrics registry and health checks for one service, shared through DI. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [{ provide: LOGGER, useValue: options.logger }, { provide: Registry, useValue: createMetricsRegistry(options.service) }, HealthService],
      exports: [LOGGER, Registry, HealthService],
    };
  }
}
