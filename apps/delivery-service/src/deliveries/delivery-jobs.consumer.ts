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

  /**
   * First attempts (and replays). Per-order sequence state is written last, once what it refers to
   * (retries, results, releases) is acknowledged: a crash in between leaves the old state, so the
   * batch, read again, does the same again (duplicates with the same webhook-id) and loses nothing.
   */
  @EventPattern(PATTERNS.jobs)
  async handle(@Payload() batch: KafkaBatch): Promise<void> {
    const records = await this.deliveries.processBatch(batch.messages, 'main', batch.generation);
    const state = records.filter((t) => t.topic === this.deliveries.sequenceTopic);
    await batch.sink.sendBatch(records.filter((t) => t.topic !== this.deliveries.sequenceTopic));
    if (state.length > 0) await batch.sink.sendBatch(state);
  }

  /** The retry tiers: the transport hands over only jobs that are due and pauses a partition until its next one is. */
  @EventPattern(PATTERNS.retries)
  async handleRetries(@Payload() batch: KafkaBatch): Promise<void> {
    await batch.sink.sendBatch(await this.deliveries.processBatch(batch.messages, 'retry'));
  }
}
