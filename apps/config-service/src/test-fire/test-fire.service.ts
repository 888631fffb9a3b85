import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { deliveryIdFor, OrderEvent, OrderEventType, sampleEvent, TestRequest } from '@postback/contracts';
import { KafkaProducer } from '@postback/kafka';
import { ServiceConfig } from '../config/service-config';
import { InvalidInputError } from '../common/domain.errors';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { AttemptDto } from '../deliveries/delivery.dto';
import { TriggersService } from '../triggers/triggers.service';
import { TestFireResultDto } from './test-fire.dto';

export interface TestFireRequest {
  eventType?: OrderEventType;
  data?: Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * Test-fire: sends a sample (or custom) event through the real pipeline (Kafka, the router, the
 * delivery service) to one trigger, whatever its state, marked as a test and never retried, and
 * waits for the attempt to reach the delivery log. A delivered test of the current configuration
 * is what activation requires.
 */
@Injectable()
export class TestFireService {
  constructor(
    private readonly triggers: TriggersService,
    private readonly deliveries: DeliveriesService,
    private readonly producer: KafkaProducer,
    private readonly config: ServiceConfig,
  ) {}

  async fire(customerId: string, triggerId: string, req: TestFireRequest): Promise<TestFireResultDto> {
    const { trigger, configHash } = await this.triggers.get(customerId, triggerId);
    const eventType = req.eventType ?? trigger.eventTypes[0] ?? 'order.shipped';
    if (req.data !== undefined && (typeof req.data.id !== 'string' || req.data.id.length === 0)) {
      throw new InvalidInputError('custom data needs an order id', [{ field: 'data.id', message: 'is required (the order id)' }]);
    }
    const event: OrderEvent = sampleEvent(eventType, {
      id: `evt_test_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      ...(req.data ? { data: req.data as OrderEvent['data'] } : {}),
    });
    const request: TestRequest = { schema: 'test-request/1', triggerId, triggerRevision: trigger.revision, event };
    await this.producer.send(this.config.kafka.topics.testEvents, [{ key: triggerId, value: JSON.stringify(request) }]);

    const deliveryId = deliveryIdFor(event.id, triggerId);
    const attempt = await this.waitForAttempt(deliveryId, req.timeoutMs ?? 20_000);
    if (!attempt) return { deliveryId, eventId: event.id, outcome: 'pending', passed: false };
    await this.triggers.recordTest(triggerId, configHash, deliveryId, attempt.outcome);
    const dto = AttemptDto.from(attempt);
    return {
      deliveryId,
      eventId: event.id,
      outcome: attempt.outcome,
      passed: attempt.outcome === 'delivered',
      ...(dto.request ? { request: dto.request } : {}),
      ...(dto.response ? { response: dto.response } : {}),
      durationMs: attempt.durationMs,
      ...(dto.error ? { error: dto.error } : {}),
    };
  }

  private async waitForAttempt(deliveryId: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      const [first] = await this.deliveries.attempts(deliveryId);
      if (first) return first;
      if (Date.now() + delay > deadline) return undefined;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
