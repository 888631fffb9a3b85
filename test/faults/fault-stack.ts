import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryIdFor, OrderEvent, sampleEvent } from '@postback/contracts';
import { KafkaClient, KafkaProducer } from '@postback/kafka';
import { HttpReceiver } from '@postback/test-support';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '../../apps/config-service/src/database/migrate';
import { TEST_ADMIN_KEY, TEST_DATABASE_SERVER, TEST_SECRETS_KEY, testKafkaSettings, testLogger, uniqueSuffix } from '../support/environment';
import { freePort, ServiceProcess } from '../support/processes';

export interface FaultReport {
  scenario: string;
  sent: number;
  delivered: number;
  duplicated: number;
  lost: number;
}

/**
 * The three built services as separate processes (so they can be killed), a real receiver that
 * counts postbacks by webhook-id, and an order-event publisher: the harness of the fault tests.
 */
export class FaultStack {
  readonly receiver = new HttpReceiver();
  readonly suffix = uniqueSuffix();
  readonly prefix = `f${this.suffix}.`;
  readonly customerId = `cus_fault_${this.suffix}`;
  readonly database = `pb_fault_${this.suffix}`;
  env: Record<string, string> = {};
  configService!: ServiceProcess;
  router!: ServiceProcess;
  delivery!: ServiceProcess;
  /** A second delivery service in the same consumer group, started by `startSecondDelivery()`. */
  secondDelivery: ServiceProcess | undefined;
  kafka!: KafkaClient;
  producer!: KafkaProducer;
  triggerId = '';
  /** Unique webhook-ids received, and how many requests repeated one. */
  readonly seen = new Set<string>();
  duplicates = 0;
  /** Events handed out so far: each call of `events()` gives new ones (several scenarios can share a stack). */
  private issued = 0;
  private reportedDuplicates = 0;

  constructor(private readonly options: { brokers: string; databaseServerUrl?: string; env?: Record<string, string> }) {}

  get orderTopic(): string {
    return `${this.prefix}orders.events`;
  }

  get databaseServer(): string {
    return this.options.databaseServerUrl ?? TEST_DATABASE_SERVER;
  }

  async start(): Promise<this> {
    await this.receiver.start();
    this.receiver.responder = (req) => {
      const id = String(req.headers['webhook-id']);
      if (this.seen.has(id)) this.duplicates++;
      else this.seen.add(id);
      return { status: 200 };
    };
    await migrateDatabase(`${this.databaseServer}/${this.database}`, testLogger('migrate'));
    this.env = {
      KAFKA_BROKERS: this.options.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      ORDER_EVENT_TOPICS: this.orderTopic,
      DATABASE_URL: `${this.databaseServer}/${this.database}`,
      SECRETS_KEY: TEST_SECRETS_KEY,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      SSRF_ALLOWLIST: '127.0.0.1/32',
      ROUTER_GROUP_ID: `${this.prefix}router`,
      ROUTER_TRANSACTIONAL_ID: `${this.prefix}router-tx`,
      DELIVERY_GROUP_ID: `${this.prefix}delivery`,
      DELIVERY_LOG_GROUP_ID: `${this.prefix}delivery-log`,
      DELIVERY_RETRY_SCHEDULE: '1s,2s,4s',
      OUTBOX_POLL_INTERVAL_MS: '200',
      RENDER_WORKERS: '1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...this.options.env,
    };
    this.kafka = new KafkaClient(testKafkaSettings('fault-harness', this.prefix, 3, this.options.brokers), testLogger('harness'));
    this.producer = this.kafka.producer();
    this.configService = await new ServiceProcess('config-service', this.env, await freePort()).start();
    await this.api('POST', '/customers', { id: this.customerId, name: 'Fault Test AB' });
    const template = await this.api<{ id: string }>('POST', '/templates', {
      name: 'f',
      body: '{"event": <%~ json(it.id) %>, "order": <%~ json(it.data.id) %>}',
    });
    const trigger = await this.api<{ id: string }>('POST', `/customers/${this.customerId}/triggers`, {
      name: 'fault',
      eventTypes: ['order.shipped'],
      url: `${this.receiver.url}/hook`,
      templateId: template.id,
      maxAttempts: 10,
    });
    this.triggerId = trigger.id;
    await this.api('POST', `/customers/${this.customerId}/triggers/${trigger.id}/activate`, { force: true, reason: 'fault test' });
    this.router = await new ServiceProcess('router-service', this.env, await freePort()).start();
    this.delivery = await new ServiceProcess('delivery-service', this.env, await freePort()).start();
    return this;
  }

  async startSecondDelivery(): Promise<ServiceProcess> {
    this.secondDelivery = await new ServiceProcess('delivery-service', this.env, await freePort()).start();
    return this.secondDelivery;
  }

  /** Publishes every event as fast as the producer takes them, `chunk` to a request. */
  async burst(events: OrderEvent[], chunk = 100): Promise<void> {
    for (let i = 0; i < events.length; i += chunk) {
      const batch = events.slice(i, i + chunk);
      await this.producer.send(
        this.orderTopic,
        batch.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
      );
    }
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.configService.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_ADMIN_KEY },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  events(n: number): OrderEvent[] {
    const from = this.issued;
    this.issued += n;
    return Array.from({ length: n }, (_, i) =>
      sampleEvent('order.shipped', {
        id: `evt_${this.suffix}_${from + i}`,
        customerId: this.customerId,
        data: { ...sampleEvent('order.shipped').data, id: `ord_${this.suffix}_${(from + i) % 50}` },
      }),
    );
  }

  /** Publishes at `perSecond`, calling `at(i)` before event i (the fault is injected there). */
  async stream(events: OrderEvent[], perSecond: number, at: (i: number) => Promise<void> | void): Promise<void> {
    const started = Date.now();
    for (let i = 0; i < events.length; i++) {
      await at(i);
      const e = events[i];
      await this.producer.send(this.orderTopic, [{ key: e.data.id, value: JSON.stringify(e) }]);
      const wait = started + ((i + 1) * 1000) / perSecond - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  async waitDelivered(events: OrderEvent[], timeoutMs = 120_000): Promise<void> {
    const ids = events.map((e) => deliveryIdFor(e.id, this.triggerId));
    await this.receiver
      .waitFor(() => ids.every((id) => this.seen.has(id)), timeoutMs, `all ${events.length} postbacks (${this.missing(events)} missing)`)
      .catch((e: unknown) => {
        const second = this.secondDelivery ? `\n--- second delivery ---\n${this.secondDelivery.tail()}` : '';
        throw new Error(`${(e as Error).message}\n--- router ---\n${this.router.tail()}\n--- delivery ---\n${this.delivery.tail()}${second}`);
      });
  }

  missing(events: OrderEvent[]): number {
    return events.filter((e) => !this.seen.has(deliveryIdFor(e.id, this.triggerId))).length;
  }

  /** Events sent, delivered (unique webhook-ids), duplicated (repeated webhook-ids), lost. */
  report(scenario: string, events: OrderEvent[]): FaultReport {
    // Duplicates since the previous report: several scenarios can share a stack.
    const duplicated = this.duplicates - this.reportedDuplicates;
    this.reportedDuplicates = this.duplicates;
    const report = { scenario, sent: events.length, delivered: events.length - this.missing(events), duplicated, lost: this.missing(events) };
    mkdirSync(join(__dirname, '../../.local'), { recursive: true });
    appendFileSync(join(__dirname, '../../.local/fault-report.jsonl'), `${JSON.stringify({ ...report, at: new Date().toISOString() })}\n`);
    console.log(`fault scenario "${scenario}": ${JSON.stringify(report)}`);
    return report;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.router?.stop(), this.delivery?.stop(), this.secondDelivery?.stop()]);
    await this.configService?.stop();
    await this.kafka?.close();
    await this.receiver.stop();
    const ds = new DataSource({ type: 'mysql', url: `${this.databaseServer}/` });
    await ds.initialize().then(
      async () => {
        await ds.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
        await ds.destroy();
      },
      () => undefined,
    );
  }
}
