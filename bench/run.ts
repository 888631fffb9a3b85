/**
 * `npm run bench`: the platform end to end against a bare baseline, on this machine, in one run.
 *
 * 1. Baseline: a plain kafkajs consumer POSTing each raw event (no routing, rendering, signing).
 * 2. Platform: router + delivery (+ config service for the setup), built, as separate processes;
 *    M customers with one active trigger each, a realistic mapping template.
 * Each side gets the same N events in a burst (throughput) and then a steady rate (latency).
 * A local HTTP receiver counts postbacks and timestamps them against the events' occurredAt.
 * Also measured: µs per render through the sandboxed render pool vs a hand-written mapping.
 * Prints JSON; ratios are platform / baseline from the same run (the machines are noisy).
 *
 *   BENCH_EVENTS=5000 BENCH_CUSTOMERS=50 BENCH_RATE=200 BENCH_STEADY_SECONDS=10 npm run bench
 *   BENCH_LOG_LEVEL=debug BENCH_LOG_DIR=/tmp/bench-logs npm run bench   (the services' logs, per-batch timings)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { OrderEvent, sampleEvent, topicNames } from '@postback/contracts';
import { KafkaClient, KafkaProducer } from '@postback/kafka';
import { createLogger } from '@postback/observability';
import { TemplateRenderer } from '@postback/templating';
import { DataSource } from 'typeorm';
import { BenchProcess, CountingReceiver, localBrokerPid, percentiles, processCpuMs, round, waitHttp } from './support';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const M = Number(process.env.BENCH_CUSTOMERS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const DB_SERVER = process.env.BENCH_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
const ROOT = join(__dirname, '..');

const TEMPLATE = `{
  "event": "<%= it.type %>",
  "eventId": <%~ json(it.id) %>,
  "occurredAt": <%~ json(it.occurredAt) %>,
  "order": { "id": <%~ json(it.data.id) %>, "reference": <%~ json(it.data.reference) %>, "status": <%~ json(it.data.status) %> },
  "shipment": { "carrier": <%~ json(it.data.shipment?.carrier) %>, "tracking": <%~ json(it.data.shipment?.trackingNumber) %> },
  "recipient": <%~ json(it.data.shippingAddress?.name) %>,
  "items": <%~ json((it.data.items || []).map(function (i) { return { sku: i.sku, qty: i.quantity }; })) %>
}`;

const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const prefix = `bench${suffix}.`;
const logger = createLogger({ service: 'bench', level: 'warn' });

interface PhaseResult {
  events: number;
  delivered: number;
  duplicates: number;
  seconds: number;
  deliveriesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Platform only: where the latency goes (see JobProbe). */
  hopsMs?: ReturnType<JobProbe['hops']>;
}

/**
 * Watches the delivery-job topic as the delivery service sees it (read committed) and splits the
 * platform's latency into hops: event → job produced by the router (`routedAt`), and event → job
 * readable by the delivery service (the router's transaction committed).
 */
class JobProbe {
  routedMs: number[] = [];
  readableMs: number[] = [];
  private consumer: ReturnType<KafkaClient['rawConsumer']> | undefined;

  async start(kafka: KafkaClient, topic: string): Promise<void> {
    this.consumer = kafka.rawConsumer({ groupId: `${prefix}probe`, readUncommitted: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const now = Date.now();
        const job = JSON.parse(String(message.value)) as { attempt: number; test: boolean; routedAt: string; event: { occurredAt: string } };
        if (job.attempt === 1 && !job.test) {
          const occurred = Date.parse(job.event.occurredAt);
          this.routedMs.push(Date.parse(job.routedAt) - occurred);
          this.readableMs.push(now - occurred);
        }
        return Promise.resolve();
      },
    });
  }

  reset(): void {
    this.routedMs = [];
    this.readableMs = [];
  }

  hops(): { eventToJobProduced: ReturnType<typeof percentiles>; eventToJobReadable: ReturnType<typeof percentiles> } {
    return { eventToJobProduced: percentiles(this.routedMs), eventToJobReadable: percentiles(this.readableMs) };
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function makeEvent(i: number, customerId: string): OrderEvent {
  return sampleEvent('order.shipped', {
    id: `evt_${suffix}_${i}`,
    customerId,
    occurredAt: new Date().toISOString(),
    data: { ...sampleEvent('order.shipped').data, id: `ord_${suffix}_${i}` },
  });
}

async function publishBurst(producer: KafkaProducer, topic: string, from: number, count: number, customers: string[]): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < count; i += chunk) {
    const messages = [];
    for (let j = i; j < Math.min(count, i + chunk); j++) {
      const e = makeEvent(from + j, customers[(from + j) % customers.length]);
      messages.push({ key: e.data.id, value: JSON.stringify(e) });
    }
    await producer.send(topic, messages);
  }
}

async function publishSteady(producer: KafkaProducer, topic: string, from: number, customers: string[]): Promise<number> {
  const total = RATE * STEADY_SECONDS;
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
  const started = Date.now();
  let sent = 0;
  while (sent < total) {
    const messages = [];
    for (let j = 0; j < perTick && sent < total; j++, sent++) {
      const e = makeEvent(from + sent, customers[(from + sent) % customers.length]);
      messages.push({ key: e.data.id, value: JSON.stringify(e) });
    }
    await producer.send(topic, messages);
    const due = started + (sent / perTick) * tickMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return total;
}

async function measure(receiver: CountingReceiver, expected: number, run: () => Promise<void>, timeoutMs: number, probe?: JobProbe): Promise<PhaseResult> {
  receiver.reset();
  probe?.reset();
  const started = Date.now();
  await run();
  const complete = await receiver.waitForCount(expected, timeoutMs);
  if (!complete) logger.warn({ expected, got: receiver.seen.size }, 'phase timed out');
  const seconds = (receiver.lastAt - started) / 1000;
  return {
    events: expected,
    delivered: receiver.seen.size,
    duplicates: receiver.duplicates,
    seconds: round(seconds),
    deliveriesPerSecond: round(receiver.seen.size / seconds, 1),
    latencyMs: percentiles(receiver.latenciesMs),
    ...(probe ? { hopsMs: probe.hops() } : {}),
  };
}

/** CPU per event of each process from now until the returned function is called (the broker too, when local). */
function cpuMeter(pids: Record<string, number | undefined>): (events: number) => Record<string, number> {
  const start = Object.entries(pids).map(([name, pid]) => [name, pid, pid === undefined ? NaN : processCpuMs(pid)] as const);
  return (events) =>
    Object.fromEntries(start.filter(([, pid]) => pid !== undefined).map(([name, pid, t0]) => [name, round((processCpuMs(pid as number) - t0) / events, 3)]));
}

async function benchRender(): Promise<Record<string, number>> {
  const renderer = new TemplateRenderer({ workers: 2 });
  const event = sampleEvent('order.shipped');
  const n = 20_000;
  const run = async (fn: () => Promise<unknown>) => {
    let i = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (i++ < n) await fn();
      }),
    );
    return Number(process.hrtime.bigint() - t0) / 1000 / n;
  };
  await run(() => renderer.render({ body: TEMPLATE, format: 'json' }, event));
  const sandboxed = await run(() => renderer.render({ body: TEMPLATE, format: 'json' }, event));
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
  return { sandboxedUsPerRender: round(sandboxed), handWrittenUsPerRender: round(handWritten, 3), ratio: round(sandboxed / handWritten, 1) };
}

async function main(): Promise<void> {
  const receiver = await new CountingReceiver().start();
  const kafka = new KafkaClient({ brokers: BROKERS.split(','), clientId: 'bench' }, logger);
  const producer = kafka.producer();
  const processes: BenchProcess[] = [];
  const probe = new JobProbe();
  const brokerPid = localBrokerPid(ROOT);
  const dbName = `pb_bench_${suffix}`;
  const result: Record<string, unknown> = {
    command: 'npm run bench',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version },
    settings: { events: N, customers: M, steadyRatePerSecond: RATE, steadySeconds: STEADY_SECONDS, partitions: PARTITIONS },
  };
  try {
    // Baseline
    const baselineTopic = `${prefix}baseline.events`;
    await kafka.ensureTopics([{ topic: baselineTopic, partitions: PARTITIONS }]);
    const baseline = new BenchProcess('baseline', 'node', [join(ROOT, 'dist/bench/baseline-consumer.js')], {
      KAFKA_BROKERS: BROKERS,
      BASELINE_TOPIC: baselineTopic,
      BASELINE_TARGET_URL: `${receiver.url}/baseline`,
      BASELINE_GROUP_ID: `${prefix}baseline`,
      BASELINE_PARTITIONS_CONCURRENTLY: String(Math.min(PARTITIONS, 3)),
    });
    processes.push(baseline);
    const customers = Array.from({ length: M }, (_, i) => `cus_bench_${i}`);
    await measure(receiver, M, () => publishBurst(producer, baselineTopic, 0, M, customers), 60_000); // warm-up
    const baselineCpu0 = baseline.cpuMs();
    const baselineBurst = await measure(receiver, N, () => publishBurst(producer, baselineTopic, M, N, customers), 300_000);
    const baselineCpuBurst = baseline.cpuMs() - baselineCpu0;
    const baselineSteadyCpu = cpuMeter({ baseline: baseline.pid, broker: brokerPid });
    const baselineSteady = await measure(
      receiver,
      RATE * STEADY_SECONDS,
      () => publishSteady(producer, baselineTopic, M + N, customers).then(() => undefined),
      300_000,
    );
    result.baseline = {
      burst: baselineBurst,
      steady: baselineSteady,
      peakRssMb: baseline.peakRssMb(),
      cpuMsPerEventInBurst: round(baselineCpuBurst / N, 3),
      cpuMsPerEventSteady: baselineSteadyCpu(RATE * STEADY_SECONDS),
    };
    await baseline.stop();

    // Platform
    const orderTopic = `${prefix}orders.events`;
    const env: Record<string, string> = {
      KAFKA_BROKERS: BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      ORDER_EVENT_TOPICS: orderTopic,
      DATABASE_URL: `${DB_SERVER}/${dbName}`,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ADMIN_API_KEY: `bench_${randomBytes(16).toString('hex')}`,
      SSRF_ALLOWLIST: '127.0.0.1/32',
      ROUTER_GROUP_ID: `${prefix}router`,
      ROUTER_TRANSACTIONAL_ID: `${prefix}router-tx`,
      DELIVERY_GROUP_ID: `${prefix}delivery`,
      DELIVERY_PARTITIONS_CONCURRENTLY: String(Math.min(PARTITIONS, 3)),
      DELIVERY_MAX_PER_HOST: process.env.BENCH_MAX_PER_HOST ?? '20',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
    };
    const main = (svc: string) => join(ROOT, `dist/apps/${svc}/apps/${svc}/src/main.js`);
    // BENCH_PROFILE=1 writes CPU profiles of the router and delivery services to bench/results/profiles.
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/results/profiles')}`] : [];
    const config = new BenchProcess('config-service', 'node', [main('config-service')], { ...env, PORT: '3900' });
    processes.push(config);
    await waitHttp('http://127.0.0.1:3900/health/ready', 90_000, 'config-service', config);
    await probe.start(kafka, topicNames(prefix).deliveries);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:3900${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': env.ADMIN_API_KEY },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const template = await api('POST', '/templates', { name: 'bench', body: TEMPLATE });
    for (const c of customers) {
      await api('POST', '/customers', { id: c, name: c });
      const trigger = await api('POST', `/customers/${c}/triggers`, {
        name: 'bench',
        eventTypes: ['order.shipped'],
        url: `${receiver.url}/platform`,
        templateId: template.id,
      });
      await api('POST', `/customers/${c}/triggers/${trigger.id}/activate`, { force: true, reason: 'benchmark' });
    }
    const router = new BenchProcess('router-service', 'node', [...profile, main('router-service')], { ...env, PORT: '3901' });
    const delivery = new BenchProcess('delivery-service', 'node', [...profile, main('delivery-service')], { ...env, PORT: '3902' });
    processes.push(router, delivery);
    await waitHttp('http://127.0.0.1:3901/health/ready', 90_000, 'router-service', router);
    await waitHttp('http://127.0.0.1:3902/health/ready', 90_000, 'delivery-service', delivery);
    await measure(receiver, M, () => publishBurst(producer, orderTopic, 0, M, customers), 60_000); // warm-up
    const cpu0 = { router: router.cpuMs(), delivery: delivery.cpuMs(), config: config.cpuMs() };
    const platformBurst = await measure(receiver, N, () => publishBurst(producer, orderTopic, M, N, customers), 600_000, probe);
    const cpuBurst = {
      'router-service': round((router.cpuMs() - cpu0.router) / N, 3),
      'delivery-service': round((delivery.cpuMs() - cpu0.delivery) / N, 3),
      'config-service (delivery log)': round((config.cpuMs() - cpu0.config) / N, 3),
    };
    const steadyCpu = cpuMeter({ 'router-service': router.pid, 'delivery-service': delivery.pid, 'config-service': config.pid, broker: brokerPid });
    const platformSteady = await measure(
      receiver,
      RATE * STEADY_SECONDS,
      () => publishSteady(producer, orderTopic, M + N, customers).then(() => undefined),
      600_000,
      probe,
    );
    const platformSteadyCpu = steadyCpu(RATE * STEADY_SECONDS);
    // Isolation: the same steady load, with one customer in ten whose receiver hangs (20 s per
    // request). The fast customers' latency should hardly move: a hanging host gets at most the
    // main-topic timeout, then its circuit opens and its jobs go to the retry lane.
    const slowReceiver = await new CountingReceiver(20_000).start();
    const slowCustomers = Array.from({ length: 5 }, (_, i) => `cus_bench_slow_${i}`);
    for (const c of slowCustomers) {
      await api('POST', '/customers', { id: c, name: c });
      const t = await api('POST', `/customers/${c}/triggers`, {
        name: 'slow',
        eventTypes: ['order.shipped'],
        url: `${slowReceiver.url}/hang`,
        templateId: template.id,
      });
      await api('POST', `/customers/${c}/triggers/${t.id}/activate`, { force: true, reason: 'benchmark' });
    }
    await new Promise((r) => setTimeout(r, 2000));
    const mixed = customers.flatMap((c, i) => (i % 9 === 8 ? [c, slowCustomers[Math.floor(i / 9) % slowCustomers.length]] : [c]));
    const start = M + N + RATE * STEADY_SECONDS;
    const slowSet = new Set(slowCustomers);
    let fastEvents = 0;
    for (let k = 0; k < RATE * STEADY_SECONDS; k++) if (!slowSet.has(mixed[(start + k) % mixed.length])) fastEvents++;
    const withSlow = await measure(receiver, fastEvents, () => publishSteady(producer, orderTopic, start, mixed).then(() => undefined), 600_000, probe);
    await slowReceiver.stop();
    const deliveryMetrics = await (await fetch('http://127.0.0.1:3902/metrics')).text();
    const metric = (re: RegExp) => [...deliveryMetrics.matchAll(re)].map((m) => `${m[1]}=${m[2]}`);
    result.deliveryCounters = [
      ...metric(/^postback_delivery_(deferred)_total\{[^}]*\} (\d+)/gm),
      ...metric(/^postback_delivery_attempts_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm),
      ...metric(/^postback_delivery_retries_total\{tier="(\w+)"[^}]*\} (\d+)/gm),
    ];
    result.platform = {
      burst: platformBurst,
      steady: platformSteady,
      steadyWithHangingReceiver: { ...withSlow, hangingRequestsReceived: slowReceiver.requests },
      peakRssMb: { 'router-service': router.peakRssMb(), 'delivery-service': delivery.peakRssMb(), 'config-service': config.peakRssMb() },
      cpuMsPerEventInBurst: cpuBurst,
      cpuMsPerEventSteady: platformSteadyCpu,
    };
    result.ratios = {
      burstThroughput: round(platformBurst.deliveriesPerSecond / baselineBurst.deliveriesPerSecond),
      steadyP50Latency: round(platformSteady.latencyMs.p50 / baselineSteady.latencyMs.p50),
      steadyP95Latency: round(platformSteady.latencyMs.p95 / baselineSteady.latencyMs.p95),
      steadyP99Latency: round(platformSteady.latencyMs.p99 / baselineSteady.latencyMs.p99),
      fastCustomersP50WithHangingReceiver: round(withSlow.latencyMs.p50 / platformSteady.latencyMs.p50),
      fastCustomersP99WithHangingReceiver: round(withSlow.latencyMs.p99 / platformSteady.latencyMs.p99),
      cpuPerEventRouterPlusDelivery: round((cpuBurst['router-service'] + cpuBurst['delivery-service']) / (baselineCpuBurst / N)),
      peakRssRouterPlusDelivery: round(((router.peakRssMb() ?? 0) + (delivery.peakRssMb() ?? 0)) / (result.baseline as { peakRssMb: number }).peakRssMb),
    };
    result.render = await benchRender();
  } finally {
    await probe.stop().catch(() => undefined);
    await Promise.allSettled(processes.map((p) => p.stop()));
    await receiver.stop();
    await kafka.deleteTopics(listBenchTopics().filter((t) => t.startsWith(prefix))).catch(() => undefined);
    await kafka.close();
    const ds = new DataSource({ type: 'mysql', url: `${DB_SERVER}/` });
    await ds.initialize();
    await ds.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await ds.destroy();
  }
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${suffix}.json`), `${text}\n`);
}

function listBenchTopics(): string[] {
  const names = topicNames(prefix);
  return [`${prefix}baseline.events`, `${prefix}orders.events`, ...(Object.values(names) as string[])];
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
