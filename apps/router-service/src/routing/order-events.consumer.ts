import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { PATTERNS } from '../patterns';
import { EventRouter } from './event-router';
import { RouterMetrics } from './router.metrics';

/** How long a test-fire waits for this router to see the trigger revision it was asked for. */
const TEST_TRIGGER_WAIT_MS = 10_000;

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

  /** Test-fires from the config API, in their own transaction per batch too. */
  @EventPattern(PATTERNS.testEvents)
  async handleTests(@Payload() batch: KafkaBatch): Promise<void> {
    const result = await this.router.routeTests(batch.messages, TEST_TRIGGER_WAIT_MS);
    await batch.sink.sendBatch(result.out);
    this.logger.info({ tests: batch.messages.length, jobs: result.jobs }, 'routed test-fires');
  }
}
