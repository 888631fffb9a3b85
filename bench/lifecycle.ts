/**
 * `npm run bench:lifecycle`: what lifecycle awareness costs the router (CPU per event, memory per
 * tracked order). EventRouter.route over batches of 500 events, one matching trigger each, with
 * ORDER_LIFECYCLE_TRACKING off and on; on, each batch's changelog records are also applied back
 * to the view, as the broadcast consumer does with the router's own writes. The events are 10,000
 * orders going received → produced → shipped → in_transit → delivered, one in 20 late (stale and
 * backwards), so states advance as in production. Reports µs per event (median of 7 runs), the
 * share of one core that makes at 1,000 events/s, and the heap per tracked order.
 */
import { OrderEventType, sampleEvent, topicNames } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import type { ConsumedMessage, OutgoingMessage } from '@postback/kafka';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { OrderLifecycleView } from '../apps/router-service/src/lifecycle/order-lifecycle-view';
import { EventRouter } from '../apps/router-service/src/routing/event-router';
import { RouterMetrics } from '../apps/router-service/src/routing/router.metrics';

const BATCH = 500;
const ORDERS = 10_000;
const STEPS: OrderEventType[] = ['order.received', 'order.produced', 'order.shipped', 'order.in_transit', 'order.delivered'];
const topics = topicNames('');
const T0 = Date.parse('2026-05-01T00:00:00Z');

/** Every order's five events, interleaved across orders as a partition would hold them. */
function batches(): ConsumedMessage[][] {
  const messages: ConsumedMessage[] = [];
  const base = sampleEvent('order.shipped', { customerId: 'cus_bench' });
  let offset = 0;
  for (let step = 0; step < STEPS.length; step++) {
    for (let o = 0; o < ORDERS; o++) {
      // One in 20 events is the previous step arriving late (stale and backwards).
      const late = step > 0 && o % 20 === 0;
      const s = late ? step - 1 : step;
      const event = {
        ...base,
        id: `evt_${o}_${step}`,
        type: STEPS[s],
        occurredAt: new Date(T0 + o * 1000 + s * 60_000 - (late ? 1 : 0)).toISOString(),
        data: { ...base.data, id: `ord_${o}` },
      };
      messages.push({
        topic: 'orders.events',
        partition: 0,
        offset: String(offset++),
        key: event.data.id,
        value: Buffer.from(JSON.stringify(event)),
        headers: {},
        timestamp: '0',
      });
    }
  }
  const out: ConsumedMessage[][] = [];
  for (let i = 0; i < messages.length; i += BATCH) out.push(messages.slice(i, i + BATCH));
  return out;
}

function router(view: OrderLifecycleView | undefined): EventRouter {
  const index = new TriggerIndex();
  index.apply(newTriggerSnapshot({ customerId: 'cus_bench', eventTypes: STEPS, outOfOrder: 'skip' }));
  return new EventRouter(index, new RouterMetrics(new Registry()), topics, undefined, view);
}

function readBack(view: OrderLifecycleView, out: ReturnType<EventRouter['route']>['out']): void {
  const changelog: OutgoingMessage[] = out.find((t) => t.topic === topics.orderLifecycle)?.messages ?? [];
  for (const m of changelog) view.applyRecord(m.key, Buffer.from(m.value as string));
}

/** µs per event over the whole stream: a fresh router (and view) per run, so states advance as live. */
function measure(input: ConsumedMessage[][], mode: 'off' | 'on, route only' | 'on, route and read back'): number {
  const runs: number[] = [];
  const events = input.length * BATCH;
  for (let r = 0; r < 9; r++) {
    const view = mode === 'off' ? undefined : new OrderLifecycleView(topics.orderLifecycle);
    const rt = router(view);
    global.gc?.();
    const t0 = process.hrtime.bigint();
    for (const batch of input) {
      const result = rt.route(batch);
      if (view && mode === 'on, route and read back') readBack(view, result.out);
    }
    runs.push(Number(process.hrtime.bigint() - t0) / 1000 / events);
  }
  runs.sort((a, b) => a - b);
  return runs[4];
}

/** The changelog of 100,000 orders (as the records a restarted router reads back). */
function changelog(): Array<readonly [string, Buffer]> {
  const rt = router(new OrderLifecycleView(topics.orderLifecycle));
  const base = sampleEvent('order.shipped', { customerId: 'cus_bench' });
  const records: Array<readonly [string, Buffer]> = [];
  for (let i = 0; i < 100_000; i += BATCH) {
    const batch: ConsumedMessage[] = [];
    for (let o = i; o < i + BATCH; o++) {
      const event = { ...base, id: `evt_${o}_9b2f4c1e`, occurredAt: new Date(T0 + o).toISOString(), data: { ...base.data, id: `ord_${o}_4711` } };
      batch.push({
        topic: 'orders.events',
        partition: 0,
        offset: String(o),
        key: event.data.id,
        value: Buffer.from(JSON.stringify(event)),
        headers: {},
        timestamp: '0',
      });
    }
    const out = rt.route(batch).out;
    for (const m of out.find((t) => t.topic === topics.orderLifecycle)?.messages ?? []) records.push([m.key as string, Buffer.from(m.value as string)]);
  }
  return records;
}

/** Heap per tracked order: a view rebuilt from 100,000 orders' states, as after a restart. */
function heapPerOrder(): number {
  const records = changelog();
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const view = new OrderLifecycleView(topics.orderLifecycle);
  for (const [key, value] of records) view.applyRecord(key, value);
  global.gc?.();
  const bytes = (process.memoryUsage().heapUsed - before) / view.size;
  // Also keeps the records alive until here, so that only the view's own memory is counted.
  if (view.size !== 100_000 || records.length !== view.size) throw new Error(`expected 100000 orders, got ${view.size}`);
  return Math.round(bytes);
}

function main(): void {
  if (!global.gc) console.warn('run with --expose-gc (npm run bench:lifecycle) for steady figures');
  const input = batches();
  measure(input, 'off'); // the JIT settles
  measure(input, 'on, route and read back');
  const rows: Record<string, { 'µs/event': number; 'vs off': string; 'core at 1,000/s': string }> = {};
  const off = measure(input, 'off');
  for (const mode of ['off', 'on, route only', 'on, route and read back', 'off'] as const) {
    const us = mode === 'off' && rows.off ? measure(input, 'off') : mode === 'off' ? off : measure(input, mode);
    rows[rows[mode] ? `${mode} (again)` : mode] = {
      'µs/event': Math.round(us * 100) / 100,
      'vs off': `${(us / off).toFixed(2)}x`,
      'core at 1,000/s': `${((us * 1000) / 1e4).toFixed(2)} %`,
    };
  }
  console.table(rows);
  console.log(`heap per tracked order: ${heapPerOrder()} bytes (100,000 orders)`);
}

main();
