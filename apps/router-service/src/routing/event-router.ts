import {
  AttemptResult,
  decodeOrderEventRecord,
  deliveryIdFor,
  encodeAttemptResult,
  encodeDeliveryJob,
  EVENT_LIMITS,
  formatIssues,
  isTraceparent,
  KAFKA_HEADERS,
  OrderEvent,
  parseTestRequest,
  TopicNames,
  TraceHeaders,
  TriggerSnapshot,
} from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage, OutgoingMessage, TopicMessages } from '@postback/kafka';
import { endSpan, remoteContext, Span, SpanKind, spanTraceHeaders, startSpan, tracingOn } from '@postback/observability';
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
 *
 * Trace context: a job carries the event's W3C `traceparent` (and `tracestate`) in its headers.
 * With tracing on, each event gets a `postback.route` span (child of the producer's span, or the
 * root of a new trace) and its jobs carry that span's context instead. With tracing off nothing is
 * made per event: a valid `traceparent` header is checked and passed on as it is.
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
    const traced = tracingOn();
    for (const message of messages) {
      this.metrics.eventsConsumed.inc({ topic: message.topic });
      const span = traced ? routeSpan(message) : undefined;
      const parsed = this.parse(message);
      if (!parsed.ok) {
        this.metrics.eventsInvalid.inc({ reason: parsed.category });
        invalid.push(invalidRecord(message, parsed.reason));
        if (span) endSpan(span, { code: parsed.category, message: parsed.reason });
        continue;
      }
      const event = parsed.event;
      const trace = span ? spanTraceHeaders(span) : passedOn(message);
      const triggers = this.index.match(event.customerId, event.type);
      if (triggers.length === 0) this.metrics.eventsUnmatched.inc({ event_type: event.type });
      for (const trigger of triggers) {
        jobs.push(jobRecord(event, trigger, routedAt, false, trace));
        this.metrics.triggersMatched.inc({ event_type: event.type });
      }
      if (span) {
        span.setAttributes({
          'postback.event_id': event.id,
          'postback.event_type': event.type,
          'postback.customer_id': event.customerId,
          'postback.jobs': triggers.length,
        });
        span.end();
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

  /**
   * Test-fires from the config API: one job for the named trigger, whatever its state, once this
   * router's index has the trigger revision the test was asked for. A trigger the index does not
   * know answers with a `skipped` attempt result, so the waiting API call learns why at once.
   */
  async routeTests(messages: readonly ConsumedMessage[], waitMs: number): Promise<RoutingResult> {
    const jobs: OutgoingMessage[] = [];
    const invalid: OutgoingMessage[] = [];
    const results: OutgoingMessage[] = [];
    const routedAt = this.now().toISOString();
    for (const message of messages) {
      let json: unknown;
      try {
        json = message.value ? JSON.parse(message.value.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const request = parseTestRequest(json);
      if (!request.ok) {
        invalid.push(invalidRecord(message, `invalid test request: ${formatIssues(request.issues)}`));
        continue;
      }
      const { event, triggerId, triggerRevision } = request.value;
      const trigger = await this.index.waitFor(triggerId, triggerRevision, waitMs);
      if (!trigger || trigger.revision < triggerRevision) {
        const result = skippedTest(event, triggerId, trigger ? 'TRIGGER_NOT_CURRENT' : 'TRIGGER_NOT_FOUND');
        results.push(encodeAttemptResult(result));
        continue;
      }
      const span = tracingOn() ? routeSpan(message) : undefined;
      jobs.push(jobRecord(event, trigger, routedAt, true, span ? spanTraceHeaders(span) : passedOn(message)));
      span?.setAttributes({ 'postback.event_id': event.id, 'postback.event_type': event.type, 'postback.test': true }).end();
    }
    return {
      out: [
        { topic: this.topics.deliveries, messages: jobs },
        { topic: this.topics.invalidEvents, messages: invalid },
        { topic: this.topics.deliveryResults, messages: results },
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
    const decoded = decodeOrderEventRecord(message.value, message.headers);
    return decoded.ok ? { ok: true, event: decoded.value } : decoded;
  }
}

/** Routing one event, as a span continuing the trace of the event's `traceparent` (or starting one). */
function routeSpan(message: ConsumedMessage): Span {
  return startSpan('postback.route', SpanKind.CONSUMER, remoteContext(message.headers), {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': message.topic,
    'messaging.destination.partition.id': String(message.partition),
    'messaging.kafka.offset': Number(message.offset),
  });
}

/** Tracing off: the event's own trace context, when its `traceparent` is valid (nothing is copied). */
function passedOn(message: ConsumedMessage): TraceHeaders | undefined {
  return isTraceparent(message.headers[KAFKA_HEADERS.traceparent]) ? message.headers : undefined;
}

function jobRecord(event: OrderEvent, trigger: TriggerSnapshot, routedAt: string, test: boolean, trace: TraceHeaders | undefined): OutgoingMessage {
  return encodeDeliveryJob(
    {
      schema: 'delivery-job/1',
      deliveryId: deliveryIdFor(event.id, trigger.id),
      triggerId: trigger.id,
      customerId: event.customerId,
      triggerRevision: trigger.revision,
      attempt: 1,
      routedAt,
      test,
      event,
    },
    trace,
  );
}

function skippedTest(event: OrderEvent, triggerId: string, code: string): AttemptResult {
  const now = new Date();
  return {
    schema: 'attempt-result/1',
    deliveryId: deliveryIdFor(event.id, triggerId),
    attempt: 1,
    triggerId,
    customerId: event.customerId,
    eventId: event.id,
    eventType: event.type,
    orderId: event.data.id,
    channel: 'http',
    outcome: 'skipped',
    final: true,
    test: true,
    startedAt: now.toISOString(),
    durationMs: 0,
    endToEndMs: now.getTime() - Date.parse(event.occurredAt),
    error: {
      code,
      message: code === 'TRIGGER_NOT_FOUND' ? 'the router does not know this trigger' : 'the router has not seen the current revision of this trigger yet',
    },
  };
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
