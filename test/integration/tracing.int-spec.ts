import { randomUUID } from 'node:crypto';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { deliveryIdFor, OrderEvent, parseTraceparent, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { registerTracerProvider, unregisterTracerProvider } from '@postback/observability';
import { HttpReceiver } from '@postback/test-support';
import { SmtpSink } from '../support/smtp-sink';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PRODUCER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PRODUCER_SPAN}-01`;

/**
 * Tracing through the platform, on the real broker, database, HTTP receiver and SMTP server. The
 * three services run in this process, so one in-memory SDK provider, registered before they start,
 * sees the spans of all of them.
 */
describe('tracing from the order event to the postback', () => {
  const exporter = new InMemorySpanExporter();
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let smtp: SmtpSink;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  let urlTrigger: string;
  let mailTrigger: string;

  beforeAll(async () => {
    registerTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    receiver = await new HttpReceiver().start();
    smtp = await new SmtpSink().start();
    platform = await startPlatform({
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'Postbacks <postbacks@platform.example>' },
    });
    producer = platform.kafka.producer();
    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Traced Shop' })).status).toBe(201);
    const template = await platform.api<{ id: string }>('POST', '/templates', { name: 'traced', body: '{"order": <%~ json(it.data.id) %>}' });
    expect(template.status).toBe(201);
    urlTrigger = await activate({ name: 'backend', eventTypes: ['order.shipped'], url: `${receiver.url}/hooks`, templateId: template.body.id });
    mailTrigger = await activate({
      name: 'mail',
      eventTypes: ['order.canceled'],
      channel: 'email',
      email: { to: ['ops@shop.example'], subject: 'Order <%= it.data.id %> cancelled' },
      templateId: template.body.id,
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.stop();
    await smtp?.stop();
    unregisterTracerProvider();
  });

  async function activate(body: Record<string, unknown>): Promise<string> {
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, body);
    expect(created.status).toBe(201);
    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, {
      force: true,
      reason: 'tracing test',
    });
    expect(activated.status).toBe(200);
    await platform.router.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(created.body.id, activated.body.revision, 15_000);
    return created.body.id;
  }

  const event = (type: 'order.shipped' | 'order.canceled'): OrderEvent =>
    sampleEvent(type, { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });

  async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The finished spans of one event: its route span (found by event id), and the spans of its trace. */
  async function spansOf(eventId: string, names: string[]): Promise<{ route: ReadableSpan; byName: Map<string, ReadableSpan> }> {
    return eventually(
      () => {
        const route = exporter.getFinishedSpans().find((s) => s.name === 'postback.route' && s.attributes['postback.event_id'] === eventId);
        if (!route) return undefined;
        const inTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === route.spanContext().traceId);
        const byName = new Map(inTrace.map((s) => [s.name, s]));
        return names.every((n) => byName.has(n)) ? { route, byName } : undefined;
      },
      `the spans ${names.join(', ')} of ${eventId}`,
    );
  }

  const attemptLog = (deliveryId: string) =>
    eventually(async () => {
      const res = await platform.api<{ attemptLog: Array<{ attempt: number; outcome: string; traceId?: string }> }>('GET', `/deliveries/${deliveryId}`);
      return res.status === 200 && res.body.attemptLog.length > 0 ? res.body.attemptLog : undefined;
    }, `the delivery log of ${deliveryId}`);

  it("continues the producer's trace: routing, rendering and the HTTP attempt are spans of it, and the receiver gets it", async () => {
    const e = event('order.shipped');
    await producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e), headers: { traceparent: TRACEPARENT, tracestate: 'shop=1' } }]);
    const deliveryId = deliveryIdFor(e.id, urlTrigger);

    const request = (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryId), 30_000, 'the postback')).find(
      (x) => x.headers['webhook-id'] === deliveryId,
    );
    const sent = parseTraceparent(String(request?.headers.traceparent));
    expect(sent?.traceId).toBe(TRACE_ID);
    expect(request?.headers.tracestate).toBe('shop=1');

    const { route, byName } = await spansOf(e.id, ['postback.route', 'postback.deliver', 'postback.render', 'POST']);
    const deliver = byName.get('postback.deliver');
    const render = byName.get('postback.render');
    const post = byName.get('POST');
    expect(route.spanContext().traceId).toBe(TRACE_ID);
    expect(route.parentSpanContext?.spanId).toBe(PRODUCER_SPAN);
    expect(deliver?.parentSpanContext?.spanId).toBe(route.spanContext().spanId);
    expect(render?.parentSpanContext?.spanId).toBe(deliver?.spanContext().spanId);
    expect(post?.parentSpanContext?.spanId).toBe(deliver?.spanContext().spanId);
    // The receiver's parent is the HTTP client span.
    expect(sent?.spanId).toBe(post?.spanContext().spanId);
    expect(post?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.full': `${receiver.url}/hooks`,
      'server.address': '127.0.0.1',
    });
    expect(deliver?.attributes).toMatchObject({ 'postback.delivery_id': deliveryId, 'postback.outcome': 'delivered' });

    expect(await eventually(async () => (await attemptLog(deliveryId))[0]?.traceId, 'the trace id in the delivery log')).toBe(TRACE_ID);
  });

  it('starts a new trace for an event without a traceparent', async () => {
    const e = event('order.shipped');
    await producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e) }]);
    const deliveryId = deliveryIdFor(e.id, urlTrigger);
    const request = (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryId), 30_000, 'the postback')).find(
      (x) => x.headers['webhook-id'] === deliveryId,
    );
    const { route, byName } = await spansOf(e.id, ['postback.route', 'postback.deliver', 'POST']);
    const traceId = route.spanContext().traceId;
    expect(route.parentSpanContext).toBeUndefined();
    expect(traceId).not.toBe(TRACE_ID);
    expect(parseTraceparent(String(request?.headers.traceparent))).toMatchObject({ traceId, spanId: byName.get('POST')?.spanContext().spanId });
    expect(await eventually(async () => (await attemptLog(deliveryId))[0]?.traceId, 'the trace id in the delivery log')).toBe(traceId);
  });

  it('puts the traceparent of the email span on the mail', async () => {
    const e = event('order.canceled');
    await producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e), headers: { traceparent: TRACEPARENT } }]);
    const deliveryId = deliveryIdFor(e.id, mailTrigger);
    const mail = (await smtp.waitFor((m) => m.some((x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId), 30_000, 'the mail')).find(
      (x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId,
    );
    const { byName } = await spansOf(e.id, ['postback.route', 'postback.deliver', 'postback.email']);
    const email = byName.get('postback.email');
    expect(email?.spanContext().traceId).toBe(TRACE_ID);
    expect(email?.parentSpanContext?.spanId).toBe(byName.get('postback.deliver')?.spanContext().spanId);
    expect(mail?.parsed.headers.get('traceparent')).toBe(`00-${TRACE_ID}-${email?.spanContext().spanId}-01`);
    expect(await eventually(async () => (await attemptLog(deliveryId))[0]?.traceId, 'the trace id in the delivery log')).toBe(TRACE_ID);
  });
});
