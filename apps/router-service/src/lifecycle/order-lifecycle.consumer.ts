import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch } from '@postback/kafka';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { PATTERNS } from '../patterns';
import { RouterMetrics } from '../routing/router.metrics';
import { OrderLifecycleView } from './order-lifecycle-view';

/**
 * The order-lifecycle changelog, read whole by every router (broadcast): it rebuilds the view at
 * start, before the order-event consumer starts, and then brings back every router's committed
 * writes, this one's included (applied idempotently, see OrderLifecycleView.applyRecord).
 */
@Controller()
export class OrderLifecycleConsumer {
  constructor(
    private readonly view: OrderLifecycleView,
    private readonly metrics: RouterMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(PATTERNS.orderLifecycle)
  handle(@Payload() batch: KafkaBatch): void {
    let unreadable = 0;
    for (const m of batch.messages) {
      const outcome = this.view.applyRecord(m.key, m.value);
      this.metrics.lifecycleRecords.inc({ outcome });
      if (outcome === 'unreadable') unreadable++;
    }
    this.metrics.ordersTracked.set(this.view.size);
    if (unreadable > 0) this.logger.warn({ partition: batch.partition, unreadable }, 'order-lifecycle records ignored: not readable');
  }
}
