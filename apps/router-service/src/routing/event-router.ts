import {
  AttemptResult,
  DeliveryJob,
  decodeOrderEventRecord,
  deliveryIdFor,
  encodeAttemptResult,
  encodeDeliveryJob,
  EVENT_LIMITS,
  formatIssues,
  isTraceparent,
  KAFKA_HEADERS,
  configurationUnderTest,
  LifecycleAnnotation,
  OrderEvent,
  parseTestRequest,
  TopicNames,
  TraceHeaders,
  sampleLifecycleAnnotation,
  TriggerSnapshot,
} from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage, OutgoingMessage, TopicMessages } from '@postback/kafka';
import { endSpan, remoteContext, Span, SpanKind, spanTraceHeaders, startSpan, tracingOn } from '@postback/observability';
import { LifecycleObservation, OrderLifecycleView } from '../lifecycle/order-lifecycle-view';
import { RouterMetrics } from './router.metrics';

/** How often the lifecycle view forgets states past their retention (a pass over the map). */
const LIFECYCLE_SWEEP_INTERVAL_MS = 3600_000;

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
 *
 * Lifecycle awareness (with a `lifecycle` view, ORDER_LIFECYCLE_TRACKING): each valid event is
 * judged against the last state routed for its order; an event that advances it adds a changelog
 * record to the batch's output (same transaction as its jobs). A stale or backwards event is
 * delivered as any other by a trigger whose policy is `deliver`, skipped by `skip` (no job; a
 * final `skipped` attempt result with STALE_EVENT or OUT_OF_ORDER goes to the delivery log), and
 * delivered by `annotate` with `lifecycle` on the job (every event of such a trigger carries it).
 */
export class EventRouter {
  constructor(
    private readonly index: TriggerIndex,
    private readonly metrics: RouterMetrics,
    private readonly topics: TopicNames,
    private readonly now: () => Date = () => new Date(),
    private readonly lifecycle?: OrderLifecycleView,
  ) {}

  private lastSweep = 0;

  route(messages: readonly ConsumedMessage[]): RoutingResult {
    const jobs: OutgoingMessage[] = [];
    const invalid: OutgoingMessage[] = [];
    const skipped: OutgoingMessage[] = [];
    const changelog: OutgoingMessage[] = [];
    const now = this.now();
    const routedAt = now.toISOString();
    const traced = tracingOn();
    const lifecycle = this.lifecycle;
    if (lifecycle && now.getTime() - this.lastSweep > LIFECYCLE_SWEEP_INTERVAL_MS) {
      this.lastSweep = now.getTime();
      lifecycle.sweep(this.lastSweep);
    }
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
      // Only customers with a trigger that skips or annotates are tracked (memory and a changelog record per event).
      const seen = lifecycle && this.index.tracksLifecycle(event.customerId) ? lifecycle.observe(event, message, now.getTime()) : undefined;
      if (seen?.record) changelog.push(seen.record);
      const wrong = seen !== undefined && (seen.annotation.stale || seen.annotation.outOfOrder);
      for (const trigger of triggers) {
        this.metrics.triggersMatched.inc({ event_type: event.type });
        const policy = seen ? (trigger.outOfOrder ?? 'deliver') : 'deliver';
        if (wrong) this.metrics.outOfOrderEvents.inc({ kind: kindOf(seen.annotation), action: policy });
        if (wrong && policy === 'skip') {
          skipped.push(encodeAttemptResult(skippedEvent(event, trigger, seen, now)));
          continue;
        }
        jobs.push(jobRecord(event, trigger, routedAt, false, trace, policy === 'annotate' ? seen?.annotation : undefined));
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
    const out: TopicMessages[] = [
      { topic: this.topics.deliveries, messages: jobs },
      { topic: this.topics.invalidEvents, messages: invalid },
    ];
    if (skipped.length > 0) out.push({ topic: this.topics.deliveryResults, messages: skipped });
    if (changelog.length > 0) out.push({ topic: this.topics.orderLifecycle, messages: changelog });
    if (lifecycle) this.metrics.ordersTracked.set(lifecycle.size);
    return {
      out,
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
      // A test-fire is not an order's history: an annotating trigger gets a first event's annotation.
      const annotation = this.lifecycle && configurationUnderTest(trigger).outOfOrder === 'annotate' ? sampleLifecycleAnnotation() : undefined;
      jobs.push(jobRecord(event, trigger, routedAt, true, span ? spanTraceHeaders(span) : passedOn(message), annotation));
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

function jobRecord(
  event: OrderEvent,
  trigger: TriggerSnapshot,
  routedAt: string,
  test: boolean,
  trace: TraceHeaders | undefined,
  lifecycle?: LifecycleAnnotation,
): OutgoingMessage {
  const job: DeliveryJob = {
    schema: 'delivery-job/1',
    deliveryId: deliveryIdFor(event.id, trigger.id),
    triggerId: trigger.id,
    customerId: event.customerId,
    triggerRevision: trigger.revision,
    attempt: 1,
    routedAt,
    test,
    event,
  };
  if (lifecycle) job.lifecycle = lifecycle;
  return encodeDeliveryJob(job, trace);
}

function kindOf(a: LifecycleAnnotation): 'stale' | 'backwards' | 'stale_backwards' {
  return a.stale && a.outOfOrder ? 'stale_backwards' : a.stale ? 'stale' : 'backwards';
}

/**
 * A stale or backwards event a trigger skips: nothing is sent, and the delivery log shows why,
 * naming the order's last routed event. Final; the event is kept with it, so an operator can
 * still send it (POST /deliveries/{id}/replay).
 */
function skippedEvent(event: OrderEvent, trigger: TriggerSnapshot, seen: LifecycleObservation, now: Date): AttemptResult {
  const { previous, stale, outOfOrder } = seen.annotation;
  const last = previous ? `${previous.type} ${previous.eventId} (occurred ${previous.occurredAt})` : 'none';
  const why = [outOfOrder ? `${event.type} cannot follow ${previous?.type}` : '', stale ? `it occurred (${event.occurredAt}) before the last event routed` : '']
    .filter(Boolean)
    .join('; ');
  return {
    schema: 'attempt-result/1',
    deliveryId: deliveryIdFor(event.id, trigger.id),
    attempt: 1,
    triggerId: trigger.id,
    customerId: event.customerId,
    eventId: event.id,
    eventType: event.type,
    orderId: event.data.id,
    channel: trigger.channel,
    outcome: 'skipped',
    final: true,
    test: false,
    startedAt: now.toISOString(),
    durationMs: 0,
    endToEndMs: now.getTime() - Date.parse(event.occurredAt),
    error: {
      code: outOfOrder ? 'OUT_OF_ORDER' : 'STALE_EVENT',
      message: `skipped by the trigger's out-of-order policy: ${why}. Last event routed for order ${event.data.id}: ${last}`,
    },
    event,
  };
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
