import { Controller, Inject, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TriggerIndex } from '@postback/config-view';
import { KafkaBatch, KafkaProducer } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { ServiceConfig } from '../config/service-config';
import { PATTERNS } from '../patterns';
import { OrderSequence } from './order-sequence';

/** How often every instance looks for blocked orders past their trigger's wait limit. */
const LIMIT_CHECK_MS = 5000;

/**
 * The per-order sequence's view (the whole order-sequence topic, on every instance) and its
 * limit check: an order blocked for longer than its trigger allows gets a release on the
 * deliveries topic, which the instance owning the order's partition applies in line with its jobs.
 */
@Controller()
export class OrderSequenceConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sequence: OrderSequence,
    private readonly index: TriggerIndex,
    private readonly producer: KafkaProducer,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(PATTERNS.orderSequence)
  apply(@Payload() batch: KafkaBatch): void {
    this.sequence.apply(batch.messages);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.releaseOverdue(), LIMIT_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async releaseOverdue(): Promise<void> {
    const releases = this.sequence.overdue((id) => this.index.get(id));
    if (releases.length === 0) return;
    try {
      await this.producer.sendBatch([{ topic: this.config.kafka.topics.deliveries, messages: releases }]);
    } catch (e) {
      this.logger.warn({ err: e, releases: releases.length }, 'could not send per-order limit releases; the next check sends them again');
      this.sequence.forgetSentLimits();
    }
  }
}
