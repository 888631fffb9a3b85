import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sampleEvent, topicNames } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { ConsumedMessage } from '@postback/kafka';
import { registerTracerProvider, unregisterTracerProvider } from '@postback/observability';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { EventRouter } from './event-router';
import { RouterMetrics } from './router.metrics';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function record(value: unknown, headers: Record<string, string> = {}): ConsumedMessage {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { topic: 'orders.events', partition: 2, offset: '41', key: 'ord_1', value: Buffer.from(text), headers, timestamp: '0' };
}

describe('EventRouter and the trace context', () => {
  const topics = topicNames('t.');
  let index: TriggerIndex;
  let router: EventRouter;

  beforeEach(() => {
    index = new TriggerIndex();
    router = new EventRouter(index, new RouterMetrics(new Registry()), topics);
    index.apply(newTriggerSnapshot({ customerId: 'cus_a' }));
    index.apply(newTriggerSnapshot({ customerId: 'cus_a' }));
  });

  const jobsOf = (r: ReturnType<EventRouter['route']>) => r.out.find((t) => t.topic === topics.deliveries)?.messages ?? [];

  describe('tracing off', () => {
    it("passes the event's traceparent and tracestate on to every job, as they are", () => {
      const jobs = jobsOf(router.route([record(sampleEvent('order.shipped', { customerId: 'cus_a' }), { traceparent: PARENT, tracestate: 'v=1' })]));
      expect(jobs).toHaveLength(2);
      for (const job of jobs) expect(job.headers).toMatchObject({ traceparent: PARENT, tracestate: 'v=1' });
    });

    it('passes nothing on without a traceparent, or with an invalid one', () => {
      const jobs = jobsOf(
        router.route([
          record(sampleEvent('order.shipped', { customerId: 'cus_a' })),
          record(sampleEvent('order.shipped', { customerId: 'cus_a' }), { traceparent: 'garbage', tracestate: 'v=1' }),
        ]),
      );
      expect(jobs).toHaveLength(4);
      for (const job of jobs) {
        expect(job.headers).not.toHaveProperty('traceparent');
        expect(job.headers).not.toHaveProperty('tracestate');
      }
    });
  });

  describe('tracing on', () => {
    const exporter = new InMemorySpanExporter();
    beforeAll(() => registerTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })));
    afterAll(() => unregisterTracerProvider());
    beforeEach(() => exporter.reset());

    it('makes a route span per event, child of the producer span, and its jobs carry that span', () => {
      const event = sampleEvent('order.shipped', { id: 'evt_traced', customerId: 'cus_a' });
      const jobs = jobsOf(router.route([record(event, { traceparent: PARENT, tracestate: 'v=1' })]));
      const [span] = exporter.getFinishedSpans();
      expect(exporter.getFinishedSpans()).toHaveLength(1);
      expect(span?.name).toBe('postback.route');
      expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(span?.attributes).toMatchObject({
        'messaging.destination.name': 'orders.events',
        'messaging.destination.partition.id': '2',
        'messaging.kafka.offset': 41,
        'postback.event_id': 'evt_traced',
        'postback.jobs': 2,
      });
      for (const job of jobs)
        expect(job.headers).toMatchObject({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${span?.spanContext().spanId}-01`, tracestate: 'v=1' });
    });

    it('starts a new trace for an event without a traceparent, and marks a refused event as an error', () => {
      const jobs = jobsOf(router.route([record(sampleEvent('order.shipped', { customerId: 'cus_a' })), record('{not json')]));
      const [routed, refused] = exporter.getFinishedSpans();
      expect(routed?.parentSpanContext).toBeUndefined();
      expect(jobs[0]?.headers?.traceparent).toBe(`00-${routed?.spanContext().traceId}-${routed?.spanContext().spanId}-01`);
      expect(refused?.status.code).toBe(2);
      expect(refused?.attributes['error.type']).toBe('not_json');
    });
  });
});
