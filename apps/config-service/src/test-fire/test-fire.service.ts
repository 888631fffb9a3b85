import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { deliveryIdFor, OrderEvent, OrderEventType, sampleEvent, TestRequest } from '@postback/contracts';
import { KafkaProducer } from '@postback/kafka';
import { ServiceConfig } from '../config/service-config';
import { InvalidInputError } from '../common/domain.errors';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { AttemptDto } from '../deliveries/delivery.dto';
import { TriggersService } from '../triggers/triggers.service';
import { DeliveryAttemptEntity } from '../deliveries/delivery.entity';
import { checkExpectations, Expectation } from '../fixtures/fixture-checks';
import { FixturesService } from '../fixtures/fixtures.service';
import { TriggerFixtureEntity } from '../fixtures/trigger-fixture.entity';
import { TemplatesService } from '../templates/templates.service';
import { TriggerEntity } from '../triggers/trigger.entity';
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
 * is what activation requires; with fixtures, every fixture is sent and each must get the answer
 * and the payload it expects. Without fixtures and without an event given, the template's stored
 * sample input is the test's data (the default fixture).
 */
@Injectable()
export class TestFireService {
  constructor(
    private readonly triggers: TriggersService,
    private readonly deliveries: DeliveriesService,
    private readonly producer: KafkaProducer,
    private readonly config: ServiceConfig,
    private readonly fixtures: FixturesService,
    private readonly templates: TemplatesService,
  ) {}

  async fire(customerId: string, triggerId: string, req: TestFireRequest): Promise<TestFireResultDto> {
    const { trigger, configHash, latestTemplateVersion } = await this.triggers.get(customerId, triggerId);
    if (req.data !== undefined && (typeof req.data.id !== 'string' || req.data.id.length === 0)) {
      throw new InvalidInputError('custom data needs an order id', [{ field: 'data.id', message: 'is required (the order id)' }]);
    }
    const timeoutMs = req.timeoutMs ?? 20_000;
    const adHoc = req.eventType !== undefined || req.data !== undefined;
    const fixtures = adHoc ? [] : await this.fixtures.forTrigger(triggerId);
    if (fixtures.length > 0) return this.fireFixtures(trigger, configHash, fixtures, timeoutMs);

    const eventType = req.eventType ?? trigger.eventTypes[0] ?? 'order.shipped';
    const data = req.data ?? (adHoc ? undefined : await this.sampleInputData(trigger.templateId, trigger.templateVersion ?? latestTemplateVersion));
    const event: OrderEvent = sampleEvent(eventType, {
      id: `evt_test_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      ...(data ? { data: data as OrderEvent['data'] } : {}),
    });
    const { deliveryId, attempt } = await this.send(trigger, event, timeoutMs);
    if (!attempt) return { deliveryId, eventId: event.id, outcome: 'pending', passed: false };
    // With fixtures, only a run of all of them counts for activation; a one-off test is for looking.
    const counts = !trigger.fixturesFingerprint;
    const passed = attempt.outcome === 'delivered' && counts;
    await this.triggers.recordTest(triggerId, configHash, deliveryId, attempt.outcome, passed);
    return { ...this.describe(deliveryId, event.id, attempt), passed };
  }

  /** Every fixture through the real pipeline at once; passed when each got the answer and the payload it expects. */
  private async fireFixtures(trigger: TriggerEntity, configHash: string, fixtures: TriggerFixtureEntity[], timeoutMs: number): Promise<TestFireResultDto> {
    const runs = await Promise.all(
      fixtures.map(async (f) => {
        const event = FixturesService.testEvent(f);
        return { f, event, ...(await this.send(trigger, event, timeoutMs)) };
      }),
    );
    const results = runs.map(({ f, event, deliveryId, attempt }) => {
      if (!attempt) return { fixture: f, result: { deliveryId, eventId: event.id, outcome: 'pending', passed: false }, checks: [] };
      const described = this.describe(deliveryId, event.id, attempt);
      const status = described.response?.status;
      const statusOk = f.expectStatus !== null ? status === f.expectStatus : attempt.outcome === 'delivered';
      const body = described.request?.body;
      const checks =
        body !== undefined
          ? checkExpectations(body, f.expectations)
          : f.expectations.map((expectation) => ({ expectation, passed: false, message: 'nothing was sent' }));
      return { fixture: f, result: { ...described, passed: statusOk && checks.every((c) => c.passed) }, checks };
    });
    const passed = results.every((r) => r.result.passed);
    const shown = results.find((r) => !r.result.passed) ?? results[0];
    await this.triggers.recordTest(trigger.id, configHash, shown.result.deliveryId, passed ? 'delivered' : 'failed', passed);
    return {
      ...shown.result,
      passed,
      fixtures: results.map((r) => ({
        fixtureId: r.fixture.id,
        name: r.fixture.name,
        deliveryId: r.result.deliveryId,
        outcome: r.result.outcome,
        passed: r.result.passed,
        ...(r.result.response ? { status: r.result.response.status } : {}),
        ...(r.fixture.expectStatus !== null ? { expectStatus: r.fixture.expectStatus } : {}),
        ...(r.result.error ? { error: r.result.error } : {}),
        checks: r.checks.map((c) => ({ path: c.expectation.path, expectation: describeExpectation(c.expectation), passed: c.passed, message: c.message })),
      })),
    };
  }

  private async send(trigger: TriggerEntity, event: OrderEvent, timeoutMs: number) {
    const request: TestRequest = { schema: 'test-request/1', triggerId: trigger.id, triggerRevision: trigger.revision, event };
    await this.producer.send(this.config.kafka.topics.testEvents, [{ key: trigger.id, value: JSON.stringify(request) }]);
    const deliveryId = deliveryIdFor(event.id, trigger.id);
    return { deliveryId, attempt: await this.waitForAttempt(deliveryId, timeoutMs) };
  }

  private describe(deliveryId: string, eventId: string, attempt: DeliveryAttemptEntity): TestFireResultDto {
    const dto = AttemptDto.from(attempt);
    return {
      deliveryId,
      eventId,
      outcome: attempt.outcome,
      passed: attempt.outcome === 'delivered',
      ...(dto.request ? { request: dto.request } : {}),
      ...(dto.response ? { response: dto.response } : {}),
      durationMs: attempt.durationMs,
      ...(dto.error ? { error: dto.error } : {}),
    };
  }

  /** The template's stored sample input, when it holds order data (with its id): the default test event's data. */
  private async sampleInputData(templateId: string, version: number): Promise<Record<string, unknown> | undefined> {
    const { sampleInput } = await this.templates.getVersion(templateId, version);
    const data = (sampleInput as { data?: unknown } | null)?.data;
    return data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string' ? (data as Record<string, unknown>) : undefined;
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

function describeExpectation(e: Expectation): string {
  if (e.exists !== undefined) return e.exists ? 'exists' : 'is absent';
  if (e.equals !== undefined) return `equals ${JSON.stringify(e.equals)}`;
  if (e.matches !== undefined) return `matches /${e.matches}/`;
  return `is ${e.type ?? '?'}`;
}
