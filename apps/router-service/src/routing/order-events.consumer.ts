import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { PATTERNS } from '../patterns';
import { EventRouter } from './event-router';
import { RouterMetrics } from './router.metrics';

/**
 * Order events in, delivery jobs out. Runs inside the batch's Kafka transaction: the jobs, the
 * refused events and the consumed offsets are committed together.
 */
@Controller()
export class OrderEventsConsumer {
  constructor(
    private readonly router: EventRouter,
    private readonly metrics: RouterMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(PATTERNS.orderEvents)
  async handle(@Payload() batch: KafkaBatch): Promise<void> {
    const stop = this.metrics.batchDuration.startTimer();
    const result = this.router.route(batch.messages);
    await batch.sink.sendBatch(result.out);
    stop();
    if (result.invalid > 0) this.logger.warn({ topic: batch.topic, partition: batch.partition, invalid: result.invalid }, 'refused invalid order events');
    this.logger.debug({ topic: batch.topic, partition: batch.partition, events: batch.messages.length, jobs: result.jobs }, 'routed batch');
  }
}
