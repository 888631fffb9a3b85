import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TriggerIndex } from '@postback/config-view';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { DeliveryMetrics } from '../deliveries/delivery.metrics';
import { PATTERNS } from '../patterns';

/** Feeds the config topic into the in-memory trigger view. */
@Controller()
export class ConfigConsumer {
  constructor(
    private readonly index: TriggerIndex,
    private readonly metrics: DeliveryMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(PATTERNS.config)
  handle(@Payload() batch: KafkaBatch): void {
    for (const m of batch.messages) {
      const { outcome, reason } = this.index.applyRecord(m.key, m.value);
      this.metrics.configRecords.inc({ outcome });
      if (outcome === 'ignored') this.logger.warn({ key: m.key, offset: m.offset, reason }, 'config record ignored');
    }
  }
}
