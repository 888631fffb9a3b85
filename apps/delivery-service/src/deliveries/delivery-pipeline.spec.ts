import { TriggerIndex } from '@postback/config-view';
import {
  AttemptResult,
  DeliveryJob,
  encodeDeliveryJob,
  encodeSequenceRelease,
  KAFKA_HEADERS,
  sampleEvent,
  SequenceBlock,
  topicNames,
  TriggerSnapshot,
} from '@postback/contracts';
import type { ConsumedMessage, MessageSink, TopicMessages } from '@postback/kafka';
import { createLogger, registerTracerProvider, unregisterTracerProvider } from '@postback/observability';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SecretBox } from '@postback/security';
import { TemplateRenderer } from '@postback/templating';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import type { ChannelResult, DeliveryChannel, Prepared, SendRequest, Verdict } from '../channels/channel';
import { classifyError } from '../channels/channel';
import { AttemptResults } from './attempt-results';
import { KeyedSemaphore, Semaphore } from './concurrency';
import { DeliveryLanes } from './delivery-lanes';
import { DeliveryPipeline } from './delivery-pipeline';
import { DeliveryMetrics } from './delivery.metrics';
import { HostHealth } from './host-health';
import { OrderSequence } from './order-sequence';
import { outcomeRecords } from './outcome-records';
import { PayloadRenderer } from './payload-renderer';
import { parseSchedule, RetryPolicy } from './retry-policy';
import { SequenceMetrics } from './sequence.metrics';
import { SettledDeliveries } from './settled-deliveries';
import { SigningSecrets } from './signing-secrets';
import { TriggerResolver } from './trigger-resolver';

/** A channel that records what it was asked to send and answers as told. */
class FakeChannel implements DeliveryChannel {
  readonly name = 'http' as const;
  readonly sent: SendRequest[] = [];
  answer: (req: SendRequest) => ChannelResult = (req) => ({
    kind: 'response',
    status: 200,
    headers: {},
    bodyExcerpt: 'ok',
    durationMs: 1,
    request: summary(req),
  });
  prepareWith: Prepared | { code: string; message: string } = {};

  hostOf(trigger: TriggerSnapshot): string {
    return new URL(trigger.http?.url ?? 'http://x').host;
  }

  prepare(): Promise<{ ok: true; prepared: Prepared } | { ok: false; error: { code: string; message: string } }> {
    return Promise.resolve('code' in this.prepareWith ? { ok: false, error: this.prepareWith } : { ok: true, prepared: this.prepareWith });
  }

  send(req: SendRequest): Promise<ChannelResult> {
    this.sent.push(req);
    return Promise.resolve(this.answer(req));
  }

  classify(result: ChannelResult): Verdict {
    if (result.kind === 'error') return classifyError(result);
    return result.status < 300
      ? { kind: 'delivered' }
      : result.status >= 500
        ? { kind: 'retryable', reason: `HTTP ${result.status}` }
        : { kind: 'permanent', reason: `HTTP ${result.status}` };
  }

  errorCode(result: ChannelResult): string {
    return result.kind === 'error' ? result.code : `HTTP_${result.status}`;
  }

  close(): void {}
}

const summary = (req: SendRequest) => ({ url: req.trigger.http?.url ?? '', method: 'POST', bytes: req.body.length });
const topics = topicNames('');
const box = new SecretBox('delivery-pipeline-spec-key-0123456789abcd');

describe('DeliveryPipeline (fake channel, real renderer)', () => {
  let renderer: TemplateRenderer;
  let channel: FakeChannel;
  let index: TriggerIndex;
  let pipeline: DeliveryPipeline;
  let sequence: OrderSequence;
  const background: TopicMessages[][] = [];

  beforeAll(() => {
    renderer = new TemplateRenderer({ workers: 1 });
  });
  afterAll(async () => {
    await renderer.close();
  });

  beforeEach(() => {
    channel = new FakeChannel();
    index = new TriggerIndex();
    const metrics = new DeliveryMetrics(new Registry());
    const settled = new SettledDeliveries();
    const retryPolicy = new RetryPolicy(parseSchedule('5s,1m'), 0);
    const hostHealth = new HostHealth(3);
    const sink: MessageSink = {
      send: () => Promise.resolve(),
      sendBatch: (batch) => {
        background.push(batch);
        return Promise.resolve();
      },
    };
    const lanes = new DeliveryLanes(
      { topics, mainTopicBudgetMs: 1000 },
      new Semaphore(10),
      new KeyedSemaphore(5),
      hostHealth,
      retryPolicy,
      metrics,
      settled,
      sink,
      (o) => outcomeRecords(o, [], topics),
    );
    sequence = new OrderSequence('spec', new SequenceMetrics(new Registry()), createLogger({ service: 'test', level: 'silent' }), () =>
      Promise.resolve(new Map<number, bigint>()),
    );
    pipeline = new DeliveryPipeline({
      resolver: new TriggerResolver(index, new Map([['http', channel]]), 50),
      renderer: new PayloadRenderer(renderer, metrics),
      secrets: new SigningSecrets(box),
      lanes,
      results: new AttemptResults(metrics, settled),
      hostHealth,
      retryPolicy,
      sequence,
      metrics,
      topics,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
  });

  const trigger = (patch: Partial<TriggerSnapshot> = {}) => {
    const t = newTriggerSnapshot({
      http: { url: 'http://receiver.test/hook', method: 'POST', headers: {}, timeoutMs: 1000 },
      template: { id: 'tpl_1', version: 1, format: 'json', body: '{"order": <%~ json(it.data.id) %>, "attempt": <%~ json(meta.attempt) %>}' },
      sealedSecrets: box.seal(JSON.stringify({ current: 'whsec_abc' })),
      retry: { enabled: true, maxAttempts: 3 },
      ...patch,
    });
    index.apply(t);
    return t;
  };
  const job = (t: TriggerSnapshot, orderId: string, patch: Partial<DeliveryJob> = {}): DeliveryJob => ({
    schema: 'delivery-job/1',
    deliveryId: `msg_${orderId}_${patch.attempt ?? 1}`,
    triggerId: t.id,
    customerId: t.customerId,
    triggerRevision: t.revision,
    attempt: 1,
    routedAt: new Date().toISOString(),
    test: false,
    event: sampleEvent('order.shipped', { id: `evt_${orderId}`, data: { ...sampleEvent('order.shipped').data, id: orderId } }),
    ...patch,
  });
  let offset = 0;
  const record = (j: DeliveryJob): ConsumedMessage => {
    const e = encodeDeliveryJob(j);
    return {
      topic: topics.deliveries,
      partition: 0,
      offset: String(offset++),
      key: e.key,
      value: Buffer.from(e.value),
      headers: e.headers,
      timestamp: String(Date.now()),
    };
  };
  const resultsIn = (out: TopicMessages[]) =>
    (out.find((t) => t.topic === topics.deliveryResults)?.messages ?? []).map((m) => JSON.parse(String(m.value)) as AttemptResult);

  it('renders, signs and sends; reports a delivered result that carries the event on the first attempt', async () => {
    const t = trigger();
    const out = await pipeline.processBatch([record(job(t, 'ord_1'))], 'main');
    expect(channel.sent).toHaveLength(1);
    expect(JSON.parse(channel.sent[0].body)).toEqual({ order: 'ord_1', attempt: 1 });
    expect(channel.sent[0].secrets).toEqual(['whsec_abc']);
    const [result] = resultsIn(out);
    expect(result).toMatchObject({ outcome: 'delivered', final: true, attempt: 1, response: { status: 200 } });
    expect(result.event?.id).toBe('evt_ord_1');
  });

  it('puts a retryable failure on the first tier, with the error in the result', async () => {
    const t = trigger();
    channel.answer = (req) => ({ kind: 'response', status: 503, headers: {}, bodyExcerpt: 'busy', durationMs: 1, request: summary(req) });
    const out = await pipeline.processBatch([record(job(t, 'ord_2'))], 'main');
    const retry = out.find((x) => x.topic === 'postback.deliveries.retry.5s');
    expect(retry?.messages).toHaveLength(1);
    expect(retry?.messages[0].headers?.[KAFKA_HEADERS.dueAt]).toMatch(/^\d+$/);
    expect(resultsIn(out)[0]).toMatchObject({ outcome: 'retry_scheduled', final: false, error: { code: 'HTTP_503' } });
    // Results come last: a result never announces a retry not yet written.
    expect(out[out.length - 1].topic).toBe(topics.deliveryResults);
  });

  it('fails a template error for good, dead-lettered, without sending', async () => {
    const t = trigger({ template: { id: 'tpl_bad', version: 2, format: 'json', body: '<%~ it.data.id %>' } });
    const out = await pipeline.processBatch([record(job(t, 'ord_3'))], 'main');
    expect(channel.sent).toHaveLength(0);
    expect(resultsIn(out)[0]).toMatchObject({ outcome: 'failed', deadLettered: true, error: { code: 'TEMPLATE_OUTPUT' } });
    expect(out.find((x) => x.topic === topics.deliveriesDlq)?.messages).toHaveLength(1);
  });

  it("fails when the channel's preparation fails (e.g. the email subject), without sending", async () => {
    const t = trigger();
    channel.prepareWith = { code: 'TEMPLATE_RUNTIME', message: 'subject template: boom' };
    const out = await pipeline.processBatch([record(job(t, 'ord_4'))], 'main');
    expect(channel.sent).toHaveLength(0);
    expect(resultsIn(out)[0]).toMatchObject({ outcome: 'failed', error: { code: 'TEMPLATE_RUNTIME' } });
  });

  it('skips a job whose trigger is paused, and one whose trigger is gone', async () => {
    const paused = trigger({ status: 'paused' });
    const gone = { ...trigger(), id: 'trg_gone' };
    const out = await pipeline.processBatch([record(job(paused, 'ord_5')), record(job(gone, 'ord_6'))], 'main');
    expect(channel.sent).toHaveLength(0);
    expect(resultsIn(out).map((r) => [r.outcome, r.error?.code])).toEqual([
      ['skipped', 'TRIGGER_INACTIVE'],
      ['skipped', 'TRIGGER_NOT_FOUND'],
    ]);
  });

  it("sends one order's jobs in order, and dead-letters what is not a job", async () => {
    const t = trigger();
    const first = job(t, 'ord_7', { deliveryId: 'msg_first' });
    const second = job(t, 'ord_7', { deliveryId: 'msg_second' });
    const bad: ConsumedMessage = { topic: topics.deliveries, partition: 0, offset: '999', key: 'x', value: Buffer.from('{'), headers: {}, timestamp: '0' };
    const out = await pipeline.processBatch([record(first), bad, record(second)], 'main');
    expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_first', 'msg_second']);
    expect(out.find((x) => x.topic === topics.deliveriesDlq)?.messages[0].headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/not valid JSON/);
  });

  it('defers main-topic jobs of a host whose circuit opened, without an attempt', async () => {
    const t = trigger();
    channel.answer = (req) => ({ kind: 'error', code: 'ECONNREFUSED', message: 'refused', durationMs: 1, request: summary(req) });
    await pipeline.processBatch([record(job(t, 'a')), record(job(t, 'b')), record(job(t, 'c'))], 'retry');
    channel.sent.length = 0;
    const out = await pipeline.processBatch([record(job(t, 'd'))], 'main');
    expect(channel.sent).toHaveLength(0);
    expect(out.find((x) => x.topic === 'postback.deliveries.retry.5s')?.messages).toHaveLength(1);
    expect(resultsIn(out)).toEqual([]);
  });

  it('never throws: an unexpected error becomes a failed result', async () => {
    const t = trigger();
    channel.send = () => Promise.reject(new Error('kaboom'));
    const out = await pipeline.processBatch([record(job(t, 'ord_8'))], 'retry');
    expect(resultsIn(out)[0]).toMatchObject({ outcome: 'failed', error: { code: 'INTERNAL_ERROR', message: 'kaboom' } });
  });

  describe('trace context', () => {
    const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

    it("tracing off: passes the job's traceparent to the channel, reports its trace id, and keeps it on retries", async () => {
      const t = trigger();
      channel.answer = (req) => ({ kind: 'response', status: 503, headers: {}, bodyExcerpt: 'busy', durationMs: 1, request: summary(req) });
      const out = await pipeline.processBatch([record(job(t, 'ord_t1', { trace: { traceparent: PARENT, tracestate: 'v=1' } }))], 'main');
      expect(channel.sent[0].trace).toEqual({ traceparent: PARENT, tracestate: 'v=1' });
      expect(channel.sent[0].traceContext).toBeUndefined();
      expect(resultsIn(out)[0]?.traceId).toBe(TRACE_ID);
      const retry = out.find((x) => x.topic === 'postback.deliveries.retry.5s')?.messages[0];
      expect(retry?.headers).toMatchObject({ traceparent: PARENT, tracestate: 'v=1' });
      expect(String(retry?.value)).not.toContain(PARENT);
    });

    it('tracing off: dead letters keep the traceparent; a job without one reports no trace id', async () => {
      const bad = trigger({ template: { id: 'tpl_bad', version: 2, format: 'json', body: '<%~ it.data.id %>' } });
      const out = await pipeline.processBatch([record(job(bad, 'ord_t2', { trace: { traceparent: PARENT } })), record(job(bad, 'ord_t3'))], 'main');
      const dlq = out.find((x) => x.topic === topics.deliveriesDlq)?.messages ?? [];
      expect(dlq.map((m) => m.headers?.traceparent)).toEqual([PARENT, undefined]);
      expect(resultsIn(out).map((r) => r.traceId)).toEqual([TRACE_ID, undefined]);
    });

    describe('tracing on', () => {
      const exporter = new InMemorySpanExporter();
      beforeAll(() => registerTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })));
      afterAll(() => unregisterTracerProvider());
      beforeEach(() => exporter.reset());

      it('makes a deliver span in the trace of the job, with the render as its child, and gives the channel its context', async () => {
        const t = trigger();
        const out = await pipeline.processBatch([record(job(t, 'ord_t4', { trace: { traceparent: PARENT } }))], 'main');
        const spans = exporter.getFinishedSpans();
        const deliver = spans.find((s) => s.name === 'postback.deliver');
        const render = spans.find((s) => s.name === 'postback.render');
        expect(deliver?.spanContext().traceId).toBe(TRACE_ID);
        expect(deliver?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
        expect(deliver?.attributes).toMatchObject({ 'postback.outcome': 'delivered', 'postback.attempt': 1, 'postback.trigger_id': t.id });
        expect(render?.parentSpanContext?.spanId).toBe(deliver?.spanContext().spanId);
        expect(render?.attributes).toMatchObject({ 'postback.template.id': 'tpl_1', 'postback.template.version': 1 });
        expect(channel.sent[0].traceContext).toBeDefined();
        expect(resultsIn(out)[0]?.traceId).toBe(TRACE_ID);
      });

      it('starts a new trace for a job without a traceparent, and marks a failed attempt as an error', async () => {
        const t = trigger();
        channel.answer = (req) => ({ kind: 'response', status: 400, headers: {}, bodyExcerpt: 'no', durationMs: 1, request: summary(req) });
        const out = await pipeline.processBatch([record(job(t, 'ord_t5'))], 'main');
        const deliver = exporter.getFinishedSpans().find((s) => s.name === 'postback.deliver');
        expect(deliver?.parentSpanContext).toBeUndefined();
        expect(deliver?.status.code).toBe(2);
        expect(deliver?.attributes['error.type']).toBe('HTTP_400');
        expect(resultsIn(out)[0]?.traceId).toBe(deliver?.spanContext().traceId);
      });
    });
  });

  describe('per-order sequence', () => {
    const ordered = () => trigger({ ordering: { mode: 'per-order', maxWaitSeconds: 3600, maxQueued: 3 } });
    const failing = (ids: string[]) => (req: SendRequest) =>
      ids.includes(req.deliveryId)
        ? { kind: 'response' as const, status: 503, headers: {}, bodyExcerpt: 'busy', durationMs: 1, request: summary(req) }
        : { kind: 'response' as const, status: 200, headers: {}, bodyExcerpt: 'ok', durationMs: 1, request: summary(req) };
    const blockOf = (out: TopicMessages[]) =>
      (out.find((x) => x.topic === topics.orderSequence)?.messages ?? []).map((m) =>
        m.value === null ? null : (JSON.parse(String(m.value)) as SequenceBlock),
      );
    const releaseRecord = (triggerId: string, orderId: string, head: string, reason: 'settled' | 'limit' = 'settled'): ConsumedMessage => {
      const e = encodeSequenceRelease({ schema: 'sequence-release/1', triggerId, orderId, head, reason });
      return { topic: topics.deliveries, partition: 0, offset: String(offset++), key: e.key, value: Buffer.from(e.value), headers: e.headers, timestamp: '0' };
    };

    it("queues an order's later jobs behind one waiting for a retry; other orders go on", async () => {
      const t = ordered();
      channel.answer = failing(['msg_shipped']);
      const shipped = job(t, 'ord_s1', { deliveryId: 'msg_shipped' });
      const delivered = job(t, 'ord_s1', { deliveryId: 'msg_delivered' });
      const other = job(t, 'ord_s2', { deliveryId: 'msg_other' });
      const out = await pipeline.processBatch([record(shipped), record(delivered), record(other)], 'main');
      expect(channel.sent.map((s) => s.deliveryId).sort()).toEqual(['msg_other', 'msg_shipped']);
      const results = resultsIn(out);
      expect(results.find((r) => r.deliveryId === 'msg_delivered')).toMatchObject({
        attempt: 0,
        outcome: 'queued',
        final: false,
        error: { code: 'WAITING_FOR_SEQUENCE' },
      });
      expect(results.find((r) => r.deliveryId === 'msg_delivered')?.event?.id).toBe('evt_ord_s1');
      const blocks = blockOf(out);
      expect(blocks[blocks.length - 1]).toMatchObject({ head: 'msg_shipped', orderId: 'ord_s1', queued: [{ deliveryId: 'msg_delivered' }] });
      expect(sequence.blocked(t.id, 'ord_s2')).toBeUndefined();
    });

    it('the head settling on the retry lane sends a release; the release lets the queued jobs go, in order', async () => {
      const t = ordered();
      channel.answer = failing(['msg_h']);
      await pipeline.processBatch([record(job(t, 'ord_s3', { deliveryId: 'msg_h' })), record(job(t, 'ord_s3', { deliveryId: 'msg_q1' }))], 'main');
      await pipeline.processBatch([record(job(t, 'ord_s3', { deliveryId: 'msg_q2' }))], 'main');
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_h']);
      channel.answer = failing([]);
      const settled = await pipeline.processBatch([record(job(t, 'ord_s3', { deliveryId: 'msg_h', attempt: 2 }))], 'retry');
      const release = settled.find((x) => x.topic === topics.deliveries)?.messages[0];
      expect(release?.key).toBe('ord_s3');
      expect(JSON.parse(String(release?.value))).toMatchObject({ head: 'msg_h', reason: 'settled' });
      const out = await pipeline.processBatch([releaseRecord(t.id, 'ord_s3', 'msg_h')], 'main');
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_h', 'msg_h', 'msg_q1', 'msg_q2']);
      expect(blockOf(out)).toEqual([null]);
      expect(sequence.blocked(t.id, 'ord_s3')).toBeUndefined();
    });

    it('a released job that needs a retry blocks the rest again', async () => {
      const t = ordered();
      channel.answer = failing(['msg_a', 'msg_b']);
      await pipeline.processBatch(
        ['msg_a', 'msg_b', 'msg_c'].map((id) => record(job(t, 'ord_s4', { deliveryId: id }))),
        'main',
      );
      const out = await pipeline.processBatch([releaseRecord(t.id, 'ord_s4', 'msg_a')], 'main');
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_a', 'msg_b']);
      expect(sequence.blocked(t.id, 'ord_s4')).toMatchObject({ head: 'msg_b', queued: [{ deliveryId: 'msg_c' }] });
      expect(blockOf(out).map((b) => b?.head ?? null)).toEqual([null, 'msg_b', 'msg_b']);
    });

    it('ignores a release for a head that is no longer the head (late or duplicate)', async () => {
      const t = ordered();
      channel.answer = failing(['msg_x']);
      await pipeline.processBatch([record(job(t, 'ord_s5', { deliveryId: 'msg_x' })), record(job(t, 'ord_s5', { deliveryId: 'msg_y' }))], 'main');
      const out = await pipeline.processBatch([releaseRecord(t.id, 'ord_s5', 'msg_old')], 'main');
      expect(out.find((x) => x.topic === topics.orderSequence)).toBeUndefined();
      expect(sequence.blocked(t.id, 'ord_s5')?.head).toBe('msg_x');
    });

    it("applies a limit release only when the owner's own view agrees the order waited too long", async () => {
      const t = ordered();
      channel.answer = failing(['msg_l1']);
      await pipeline.processBatch([record(job(t, 'ord_s10', { deliveryId: 'msg_l1' })), record(job(t, 'ord_s10', { deliveryId: 'msg_l2' }))], 'main');
      const out = await pipeline.processBatch([releaseRecord(t.id, 'ord_s10', 'msg_l1', 'limit')], 'main');
      expect(out.find((x) => x.topic === topics.orderSequence)).toBeUndefined();
      expect(sequence.blocked(t.id, 'ord_s10')?.queued.map((q) => q.deliveryId)).toEqual(['msg_l2']);
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_l1']);
    });

    it('gives up waiting past the queue limit: the queued jobs go first, then the new one', async () => {
      const t = ordered();
      channel.answer = failing(['msg_0']);
      const ids = ['msg_0', 'msg_1', 'msg_2', 'msg_3', 'msg_4'];
      await pipeline.processBatch(
        ids.map((id) => record(job(t, 'ord_s6', { deliveryId: id }))),
        'main',
      );
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_0', 'msg_1', 'msg_2', 'msg_3', 'msg_4']);
      expect(sequence.blocked(t.id, 'ord_s6')).toBeUndefined();
    });

    it('a job read again after a restart is queued once, and the head read again goes through', async () => {
      const t = ordered();
      channel.answer = failing(['msg_r']);
      const head = job(t, 'ord_s7', { deliveryId: 'msg_r' });
      const next = job(t, 'ord_s7', { deliveryId: 'msg_n' });
      await pipeline.processBatch([record(head), record(next)], 'main');
      await pipeline.processBatch([record(next)], 'main');
      expect(sequence.blocked(t.id, 'ord_s7')?.queued.map((q) => q.deliveryId)).toEqual(['msg_n']);
      channel.answer = failing([]);
      await pipeline.processBatch([record(head)], 'main');
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_r', 'msg_r', 'msg_n']);
      expect(sequence.blocked(t.id, 'ord_s7')).toBeUndefined();
    });

    it('leaves triggers without per-order ordering, tests and replays alone', async () => {
      const plain = trigger();
      channel.answer = failing(['msg_p1']);
      const out = await pipeline.processBatch(
        [record(job(plain, 'ord_s8', { deliveryId: 'msg_p1' })), record(job(plain, 'ord_s8', { deliveryId: 'msg_p2' }))],
        'main',
      );
      expect(channel.sent.map((s) => s.deliveryId)).toEqual(['msg_p1', 'msg_p2']);
      expect(out.find((x) => x.topic === topics.orderSequence)).toBeUndefined();
      const t = ordered();
      channel.answer = failing(['msg_o1']);
      await pipeline.processBatch([record(job(t, 'ord_s9', { deliveryId: 'msg_o1' }))], 'main');
      await pipeline.processBatch([record(job(t, 'ord_s9', { deliveryId: 'msg_o2', replay: true }))], 'main');
      expect(channel.sent.map((s) => s.deliveryId)).toContain('msg_o2');
    });
  });
});
