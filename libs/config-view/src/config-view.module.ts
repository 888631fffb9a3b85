import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ConfigViewUpdater } from './config-view-updater';
import { TriggerIndex } from './trigger-index';

/** The consumer pattern a service binds to its config topic (broadcast: every instance reads it all). */
export const CONFIG_VIEW_PATTERN = 'config-view';

/** Feeds the config topic into the in-memory trigger index. */
@Controller()
export class ConfigViewConsumer {
  constructor(private readonly updater: ConfigViewUpdater) {}

  @EventPattern(CONFIG_VIEW_PATTERN)
  handle(@Payload() batch: KafkaBatch): void {
    this.updater.apply(batch.messages);
  }
}

/**
 * A service's read-only view of the configuration: the `TriggerIndex`, fed from the config topic by
 * `ConfigViewConsumer` (bind `CONFIG_VIEW_PATTERN` to the topic in the transport's consumers).
 * Needs the global ObservabilityModule (logger and registry).
 */
@Module({
  controllers: [ConfigViewConsumer],
  providers: [
    { provide: TriggerIndex, useFactory: () => new TriggerIndex() },
    {
      provide: ConfigViewUpdater,
      useFactory: (i: TriggerIndex, r: Registry, log: Logger) => new ConfigViewUpdater(i, r, log),
      inject: [TriggerIndex, Registry, LOGGER],
    },
  ],
  exports: [TriggerIndex],
})
export class ConfigViewModule {}
