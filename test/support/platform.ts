import { AddressInfo, createServer } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { KafkaClient, KafkaTransport } from '@postback/kafka';
import { startService } from '@postback/runtime';
import { AppModule as ConfigAppModule } from '../../apps/config-service/src/app.module';
import { loadServiceConfig as loadConfigServiceConfig } from '../../apps/config-service/src/config/service-config';
import { setupHttp } from '../../apps/config-service/src/http-setup';
import { AppModule as DeliveryAppModule } from '../../apps/delivery-service/src/app.module';
import { loadServiceConfig as loadDeliveryConfig } from '../../apps/delivery-service/src/config/service-config';
import { AppModule as RouterAppModule } from '../../apps/router-service/src/app.module';
import { loadServiceConfig as loadRouterConfig } from '../../apps/router-service/src/config/service-config';
import { createTestDatabase, TestDatabase } from './database';
import { TEST_ADMIN_KEY, TEST_SECRETS_KEY, testKafkaSettings, testLogger, uniqueSuffix } from './environment';

export interface TestPlatform {
  prefix: string;
  orderTopic: string;
  env: Record<string, string>;
  db: TestDatabase;
  kafka: KafkaClient;
  configService: INestApplication;
  router: INestApplication;
  delivery: INestApplication;
  apiUrl: string;
  api<T = unknown>(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: T }>;
  /** Resolves once the router has consumed (and committed) everything on the order topic. */
  routerCaughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  env?: Record<string, string>;
  /** Skip a service (e.g. to start it later or to crash it). */
  without?: Array<'router' | 'delivery'>;
  /**
   * Give the router and the delivery service known ports, and tell the config service where they
   * are (its platform status then probes them), instead of ports picked by the system.
   */
  knownPorts?: boolean;
}

/**
 * The three services in this process, each with its own Nest app, on a real Kafka broker (topics
 * under a unique prefix) and a fresh MySQL/MariaDB database.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const suffix = uniqueSuffix();
  const prefix = `t${suffix}.`;
  const orderTopic = `${prefix}orders.events`;
  const db = await createTestDatabase();
  const ports = options.knownPorts ? { router: await freePort(), delivery: await freePort() } : { router: 0, delivery: 0 };
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '3',
    ORDER_EVENT_TOPICS: orderTopic,
    DATABASE_URL: db.url,
    SECRETS_KEY: TEST_SECRETS_KEY,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    SSRF_ALLOWLIST: '127.0.0.1/32',
    ROUTER_GROUP_ID: `${prefix}router`,
    ROUTER_TRANSACTIONAL_ID: `${prefix}router-tx`,
    DELIVERY_GROUP_ID: `${prefix}delivery`,
    OUTBOX_POLL_INTERVAL_MS: '200',
    RENDER_WORKERS: '1',
    HOST: '127.0.0.1',
    PORT: '0',
    PLATFORM_SERVICE_URLS: options.knownPorts ? `router-service=http://127.0.0.1:${ports.router},delivery-service=http://127.0.0.1:${ports.delivery}` : 'none',
    ...options.env,
  };
  const kafka = new KafkaClient(testKafkaSettings('test-harness', prefix), testLogger('harness'));
  const configService = await startService({
    module: ConfigAppModule.forRoot(loadConfigServiceConfig(env), testLogger('config-service')),
    logger: testLogger('config-service'),
    port: 0,
    host: '127.0.0.1',
    setup: setupHttp,
    transport: KafkaTransport,
  });
  await waitReady(configService);
  const router = options.without?.includes('router') ? undefined : await startRouter(env, ports.router);
  const delivery = options.without?.includes('delivery') ? undefined : await startDelivery(env, ports.delivery);
  const apiUrl = (await configService.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    prefix,
    orderTopic,
    env,
    db,
    kafka,
    configService,
    router: router as INestApplication,
    delivery: delivery as INestApplication,
    apiUrl,
    async api<T>(method: string, path: string, body?: unknown, key = TEST_ADMIN_KEY) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async routerCaughtUp(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lag = await kafka.groupLag(env.ROUTER_GROUP_ID, [orderTopic]);
        if ((lag.get(orderTopic) ?? 0) === 0 && lag.size > 0) return;
        if (Date.now() > deadline) throw new Error(`router still has lag ${JSON.stringify([...lag])} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      // The services running now: a test may have replaced them (a restart).
      const running = this as TestPlatform;
      await Promise.allSettled([running.router?.close(), running.delivery?.close()]);
      await configService.close();
      await kafka.close();
      await db.drop();
    },
  };
}

export async function startRouter(env: Record<string, string>, port = 0): Promise<INestApplication> {
  const logger = testLogger('router-service');
  return waitReady(
    await startService({ module: RouterAppModule.forRoot(loadRouterConfig(env), logger), logger, port, host: '127.0.0.1', transport: KafkaTransport }),
  );
}

export async function startDelivery(env: Record<string, string>, port = 0): Promise<INestApplication> {
  const logger = testLogger('delivery-service');
  return waitReady(
    await startService({ module: DeliveryAppModule.forRoot(loadDeliveryConfig(env), logger), logger, port, host: '127.0.0.1', transport: KafkaTransport }),
  );
}

/** A port nothing listens on now: one the system just handed out and took back. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Services start their Kafka consumers in the background: wait until /health/ready says so. */
export async function waitReady(app: INestApplication, timeoutMs = 60_000): Promise<INestApplication> {
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(url);
    if (res.ok) return app;
    last = await res.text();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${last}`);
}
