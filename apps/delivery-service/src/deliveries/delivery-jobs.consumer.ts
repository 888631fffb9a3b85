import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { PATTERNS } from '../patterns';
import { DeliveryPipeline } from './delivery-pipeline';

/**
 * Delivery jobs in; attempt results, retries and dead letters out. The transport commits a
 * batch's offsets only after this returns, that is after those records are acknowledged by Kafka.
 */
@Controller()
export class DeliveryJobsConsumer {
  constructor(private readonly deliveries: DeliveryPipeline) {}

  /** First attempts (and replays). */
  @EventPattern(PATTERNS.jobs)
  async handle(@Payload() batch: KafkaBatch): Promise<void> {
    await batch.sink.sendBatch(await this.deliveries.processBatch(batch.messages, 'main', batch.generation));
  }

  /** The retry tiers: the transport hands over only jobs that are due and pauses a partition until its next one is. */
  @EventPattern(PATTERNS.retries)
  async handleRetries(@Payload() batch: KafkaBatch): Promise<void> {
    await batch.sink.sendBatch(await this.deliveries.processBatch(batch.messages, 'retry'));
  }
}
