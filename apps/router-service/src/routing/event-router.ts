import { DeliveryJob, deliveryIdFor, formatIssues, KAFKA_HEADERS, OrderEvent, parseOrderEvent, TopicNames, EVENT_LIMITS } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage, OutgoingMessage, TopicMessages } from '@postback/kafka';
import { RouterMetrics } from './router.metrics';

export interface RoutingResult {
  out: TopicMessages[];
  jobs: number;
  invalid: number;
}

/**
 * Routing, as pure logic over a batch: each record is parsed and validated; a valid event gives
 * one delivery job per matching active trigger; an invalid one goes, untouched, to the
 * invalid-events topic with the reason and where it came from. Nothing is dropped.
 */
export class EventRouter {
  constructor(
    private readonly index: TriggerIndex,
    private readonly metrics: RouterMetrics,
    private readonly topics: TopicNames,
    private readonly now: () => Date = () => new Date(),
  ) {}

  route(messages: readonly ConsumedMessage[]): RoutingResult {
    const jobs: OutgoingMessage[] = [];
    const invalid: OutgoingMessage[] = [];
    const routedAt = this.now().toISOString();
    for (const message of messages) {
      this.metrics.eventsConsumed.inc({ topic: message.topic });
      const parsed = this.parse(message);
      if (!parsed.ok) {
        this.metrics.eventsInvalid.inc({ reason: parsed.category });
        invalid.push(invalidRecord(message, parsed.reason));
        continue;
      }
      const event = parsed.event;
      const triggers = this.index.match(event.customerId, event.type);
      if (triggers.length === 0) this.metrics.eventsUnmatched.inc({ event_type: event.type });
      for (const trigger of triggers) {
        const job: DeliveryJob = {
          schema: 'delivery-job/1',
          deliveryId: deliveryIdFor(event.id, trigger.id),
          triggerId: trigger.id,
          customerId: event.customerId,
          triggerRevision: trigger.revision,
          attempt: 1,
          routedAt,
          test: false,
          event,
        };
        jobs.push({
          key: event.data.id,
          value: JSON.stringify(job),
          headers: { [KAFKA_HEADERS.schema]: job.schema, [KAFKA_HEADERS.eventId]: event.id },
        });
        this.metrics.triggersMatched.inc({ event_type: event.type });
      }
    }
    this.metrics.jobsProduced.inc(jobs.length);
    return {
      out: [
        { topic: this.topics.deliveries, messages: jobs },
        { topic: this.topics.invalidEvents, messages: invalid },
      ],
      jobs: jobs.length,
      invalid: invalid.length,
    };
  }

  private parse(message: ConsumedMessage): { ok: true; event: OrderEvent } | { ok: false; reason: string; category: string } {
    if (message.value === null) return { ok: false, reason: 'empty record (no value)', category: 'empty' };
    if (message.value.length > EVENT_LIMITS.maxBytes) {
      return { ok: false, reason: `event is ${message.value.length} bytes, more than the limit of ${EVENT_LIMITS.maxBytes}`, category: 'too_large' };
    }
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (e) {
      return { ok: false, reason: `not valid JSON: ${(e as Error).message}`, category: 'not_json' };
    }
    const validated = parseOrderEvent(json);
    if (!validated.ok) return { ok: false, reason: formatIssues(validated.issues), category: 'schema' };
    return { ok: true, event: validated.value };
  }
}

function invalidRecord(message: ConsumedMessage, reason: string): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [KAFKA_HEADERS.invalidReason]: reason.slice(0, 4000),
      [KAFKA_HEADERS.sourceTopic]: message.topic,
      [KAFKA_HEADERS.sourcePartition]: String(message.partition),
      [KAFKA_HEADERS.sourceOffset]: message.offset,
    },
  };
}
