/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/tracing.ts`: what tracing costs the
 * router's hot path. EventRouter.route over batches of 500 events, one matching trigger each, in
 * three settings: tracing off without a `traceparent` on the events, off with one (passed on as
 * it is), and on (a span per event, the SDK with a batch span processor whose exporter drops
 * everything). Reports µs per event (median of 7 runs) and bytes allocated per event.
 */
import { BasicTracerProvider, BatchSpanProcessor, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { sampleEvent, topicNames } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import type { ConsumedMessage } from '@postback/kafka';
import { registerTracerProvider, unregisterTracerProvider } from '@postback/observability';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { EventRouter } from '../apps/router-service/src/routing/event-router';
import { RouterMetrics } from '../apps/router-service/src/routing/router.metrics';

const BATCH = 500;
const BATCHES = 100;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

class DroppingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (r: { code: 0 }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function batch(withTraceparent: boolean): ConsumedMessage[] {
  const headers: Record<string, string> = withTraceparent ? { traceparent: TRACEPARENT } : {};
  return Array.from({ length: BATCH }, (_, i) => ({
    topic: 'orders.events',
    partition: 0,
    offset: String(i),
    key: `ord_${i}`,
    value: Buffer.from(JSON.stringify(sampleEvent('order.shipped', { id: `evt_${i}`, customerId: 'cus_bench' }))),
    headers: { ...headers },
    timestamp: '0',
  }));
}

function measure(router: EventRouter, messages: ConsumedMessage[]): { us: number; bytes: number } {
  for (let i = 0; i < 200; i++) router.route(messages); // warm up
  const runs: number[] = [];
  let bytes = 0;
  for (let r = 0; r < 7; r++) {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCHES; i++) router.route(messages);
    runs.push(Number(process.hrtime.bigint() - t0) / 1000 / (BATCHES * BATCH));
    bytes = Math.max(bytes, (process.memoryUsage().heapUsed - heap0) / (BATCHES * BATCH));
  }
  runs.sort((a, b) => a - b);
  return { us: Math.round(runs[3] * 100) / 100, bytes: Math.round(bytes) };
}

function main(): void {
  const index = new TriggerIndex();
  index.apply(newTriggerSnapshot({ customerId: 'cus_bench' }));
  const router = new EventRouter(index, new RouterMetrics(new Registry()), topicNames(''));
  const plain = batch(false);
  const traced = batch(true);
  const out: Record<string, { us: number; bytes: number }> = {};
  measure(router, plain); // the JIT settles
  out['off, no traceparent'] = measure(router, plain);
  out['off, traceparent passed on'] = measure(router, traced);
  out['off, no traceparent (again)'] = measure(router, plain);
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter(), { maxQueueSize: 100_000 })] });
  registerTracerProvider(provider);
  out['on, span per event'] = measure(router, traced);
  unregisterTracerProvider();
  console.table(out);
}

main();
