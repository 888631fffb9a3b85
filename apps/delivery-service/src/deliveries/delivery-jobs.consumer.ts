import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { PATTERNS } from '../patterns';
import { DeliveryService } from './delivery.service';

/**
 * Delivery jobs in, attempt results out. The batch's offsets are committed by the transport only
 * after this returns, that is after the results are acknowledged by Kafka.
 */
@Controller()
export class DeliveryJobsConsumer {
  constructor(private readonly deliveries: DeliveryService) {}

  @EventPattern(PATTERNS.jobs)
  async handle(@Payload() batch: KafkaBatch): Promise<void> {
    const out = await this.deliveries.processBatch(batch.messages);
    await batch.sink.sendBatch(out);
  }
}
