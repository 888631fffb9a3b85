import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { PATTERNS } from '../patterns';
import { TriggersService } from '../triggers/triggers.service';
import { DeliveryLogWriter } from './delivery-log.writer';

/**
 * Attempt results into the delivery log; a 410 Gone pauses the trigger, with the reason shown. When MySQL is down the batch fails and is consumed
 * again (offsets are committed only after the write), so nothing is lost while routing and
 * delivery go on.
 */
@Controller()
export class DeliveryResultsConsumer {
  private readonly written: Counter<'outcome'>;

  constructor(
    private readonly writer: DeliveryLogWriter,
    private readonly triggers: TriggersService,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.written = new Counter({
      name: 'postback_delivery_log_records_total',
      help: 'Attempt results written to the delivery log, or unreadable',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  @EventPattern(PATTERNS.deliveryResults)
  async handle(@Payload() batch: KafkaBatch): Promise<void> {
    const summary = await this.writer.write(batch.messages);
    this.written.inc({ outcome: 'written' }, summary.attempts);
    for (const g of new Map(summary.gone.map((x) => [x.triggerId, x])).values()) {
      await this.triggers.pauseBySystem(g.triggerId, `the receiver answered 410 Gone (delivery ${g.deliveryId}): it retired this endpoint`);
    }
    if (summary.unreadable > 0) {
      this.written.inc({ outcome: 'unreadable' }, summary.unreadable);
      this.logger.warn({ topic: batch.topic, partition: batch.partition, unreadable: summary.unreadable }, 'skipped unreadable attempt results');
    }
  }
}
