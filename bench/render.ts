/**
 * `npm run bench:render`: the sandboxed render pool against a hand-written mapping of the same
 * event, both with 64 renders in flight (as the delivery service has them in a burst).
 * Reports µs per render (wall clock, amortised), and the main thread's and the workers' CPU per
 * render. The sandboxed figure renders as the delivery service does, from the text of the job's
 * record (`JsonText`, the event picked in the worker); `fromValue*` renders a parsed event that the
 * main thread serializes first, as the preview and the test-fire do. Also part of `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { encodeDeliveryJob, sampleEvent } from '@postback/contracts';
import { JsonText, TemplateRenderer } from '@postback/templating';

export const BENCH_TEMPLATE = `{
  "event": "<%= it.type %>",
  "eventId": <%~ json(it.id) %>,
  "occurredAt": <%~ json(it.occurredAt) %>,
  "order": { "id": <%~ json(it.data.id) %>, "reference": <%~ json(it.data.reference) %>, "status": <%~ json(it.data.status) %> },
  "shipment": { "carrier": <%~ json(it.data.shipment?.carrier) %>, "tracking": <%~ json(it.data.shipment?.trackingNumber) %> },
  "recipient": <%~ json(it.data.shippingAddress?.name) %>,
  "items": <%~ json((it.data.items || []).map(function (i) { return { sku: i.sku, qty: i.quantity }; })) %>
}`;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchRender(n = 20_000): Promise<Record<string, number>> {
  const renderer = new TemplateRenderer({ workers: 2 });
  const event = sampleEvent('order.shipped');
  const meta = { deliveryId: 'dlv_0123456789abcdef', attempt: 1, trigger: { id: 'trg_1', name: 'shipped' }, customer: { id: 'cus_1' } };
  const run = async (fn: () => Promise<unknown>) => {
    let i = 0;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (i++ < n) await fn();
      }),
    );
    const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    return { us: wallUs / n, cpuUs: (cpu.user + cpu.system) / n, mainUs: (elu.active * 1000) / n };
  };
  const record = encodeDeliveryJob({
    schema: 'delivery-job/1',
    deliveryId: meta.deliveryId,
    triggerId: meta.trigger.id,
    customerId: meta.customer.id,
    triggerRevision: 1,
    attempt: 1,
    routedAt: new Date().toISOString(),
    test: false,
    event,
  }).value;
  const render = () => renderer.render({ body: BENCH_TEMPLATE, format: 'json' }, new JsonText(record, 'event'), meta);
  const renderValue = () => renderer.render({ body: BENCH_TEMPLATE, format: 'json' }, event, meta);
  await run(render);
  const sandboxed = await run(render);
  const fromValue = await run(renderValue);
  const handWritten = await run(() => {
    const d = event.data;
    return Promise.resolve().then(() =>
      JSON.stringify({
        event: event.type,
        eventId: event.id,
        occurredAt: event.occurredAt,
        order: { id: d.id, reference: d.reference, status: d.status },
        shipment: { carrier: d.shipment?.carrier, tracking: d.shipment?.trackingNumber },
        recipient: d.shippingAddress?.name,
        items: (d.items ?? []).map((i) => ({ sku: i.sku, qty: i.quantity })),
      }),
    );
  });
  await renderer.close();
  return {
    sandboxedUsPerRender: round(sandboxed.us),
    sandboxedCpuUsPerRender: round(sandboxed.cpuUs),
    sandboxedMainThreadUsPerRender: round(sandboxed.mainUs),
    fromValueUsPerRender: round(fromValue.us),
    fromValueCpuUsPerRender: round(fromValue.cpuUs),
    fromValueMainThreadUsPerRender: round(fromValue.mainUs),
    handWrittenUsPerRender: round(handWritten.us, 3),
    ratio: round(sandboxed.us / handWritten.us, 1),
  };
}

if (require.main === module) {
  void benchRender().then((r) => console.log(JSON.stringify(r, null, 2)));
}
