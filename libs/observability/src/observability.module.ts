import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';
import { Registry } from 'prom-client';
import { HealthService } from './health';
import { createMetricsRegistry } from './metrics';
import { ObservabilityController } from './observability.controller';
import { stopTracing } from './tracing';

export const LOGGER = Symbol('LOGGER');

export interface ObservabilityOptions {
  service: string;
  logger: Logger;
}

/** Exports the spans still buffered when the service stops (nothing when tracing is off). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/** Logger, metrics registry and health checks for one service, shared through DI. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: Registry, useValue: createMetricsRegistry(options.service) },
        HealthService,
        TracingShutdown,
      ],
      exports: [LOGGER, Registry, HealthService],
    };
  }
}
