import { resolve } from 'node:path';
import { DEFAULT_ORDER_EVENTS_TOPIC } from '@postback/contracts';
import { PII_PATH_PATTERN } from '@postback/security';
import { EnvReader, KafkaSettings, readKafkaEnv, readRenderEnv, readSmtpEnv, RenderSettings, SmtpSettings } from '@postback/runtime';

/** The config service's settings: read from the environment once, checked, then injected. */
export class ServiceConfig {
  constructor(
    readonly http: { host: string; port: number; publicUrl: string },
    readonly logLevel: string,
    readonly databaseUrl: string,
    readonly kafka: KafkaSettings,
    readonly orderTopics: string[],
    /** Seals signing secrets in MySQL and on the config topic (shared with the delivery service). */
    readonly secretsKey: string,
    /** Bootstrap admin API key; further keys are created through the API. */
    readonly adminApiKey: string,
    readonly ssrfAllowList: string[],
    readonly outbox: { pollIntervalMs: number; batchSize: number },
    readonly triggerDefaults: { maxAttempts: number; timeoutMs: number },
    /** Run pending migrations at start (the local stack); off where a migration job does it (Kubernetes). */
    readonly migrateOnStart: boolean,
    /** Consumer group that writes attempt results into the delivery log. */
    readonly deliveryLogGroupId: string,
    /** Fetch linger of the delivery-log consumer: larger batches, fewer database transactions. */
    readonly deliveryLogFetchLingerMs: number,
    /** What the console's platform status shows: the other services' base URLs and the consumer groups to watch. */
    readonly platform: { services: Array<{ name: string; url: string }>; consumerGroups: Array<{ role: string; groupId: string }> },
    /** The built console (apps/console → dist/console), served at /console. */
    readonly consoleDir: string,
    /** The sandbox's limits for preview and the Mapper: the delivery service's variables and defaults (one worker here). */
    readonly render: RenderSettings,
    /** Auto-pause of failing triggers and retention of the delivery log and the audit log. */
    readonly lifecycle: LifecycleSettings,
    /** Paths of personal data in order events, for customers without their own list. */
    readonly piiPaths: string[],
    /** Email to a customer's contact address when the platform pauses one of its triggers (needs SMTP_HOST). */
    readonly notices: { smtp: SmtpSettings | undefined; autoPauseEmail: boolean },
  ) {}
}

export interface LifecycleSettings {
  /** A live trigger with no successful delivery for this long, and dead letters meanwhile, is paused (0: never). */
  autoPauseAfterMs: number;
  autoPauseCheckIntervalMs: number;
  /** Scrapes of the per-customer SLA gauges within this long of the last computation reuse it. */
  slaGaugeRefreshMs: number;
  /** Days kept (0: forever): deliveries with their attempts, their event payloads and request bodies, audit entries. */
  retention: { deliveriesDays: number; payloadsDays: number; auditDays: number; intervalMs: number; batchSize: number; batchPauseMs: number };
}

function readPiiPaths(env: EnvReader): string[] {
  const paths = env.list('PII_PATHS', ['data.shippingAddress', 'data.billingAddress', 'data.customer']);
  for (const p of paths) env.check(PII_PATH_PATTERN.test(p) ? undefined : `PII_PATHS: "${p}" is not a dotted path (keys or *, e.g. data.customer.email)`);
  return paths.length === 1 && paths[0] === 'none' ? [] : paths;
}

function readLifecycle(env: EnvReader): LifecycleSettings {
  return {
    autoPauseAfterMs: env.int('AUTO_PAUSE_AFTER_HOURS', 72, { min: 0, max: 24 * 365 }) * 3_600_000,
    autoPauseCheckIntervalMs: env.int('AUTO_PAUSE_CHECK_INTERVAL_MS', 300_000, { min: 1000, max: 86_400_000 }),
    slaGaugeRefreshMs: env.int('SLA_GAUGE_REFRESH_MS', 15_000, { min: 0, max: 3_600_000 }),
    retention: {
      deliveriesDays: env.int('RETENTION_DELIVERIES_DAYS', 30, { min: 0, max: 3650 }),
      payloadsDays: env.int('RETENTION_PAYLOADS_DAYS', 14, { min: 0, max: 3650 }),
      auditDays: env.int('RETENTION_AUDIT_DAYS', 365, { min: 0, max: 3650 }),
      intervalMs: env.int('RETENTION_INTERVAL_MS', 600_000, { min: 1000, max: 86_400_000 }),
      batchSize: env.int('RETENTION_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
      batchPauseMs: env.int('RETENTION_BATCH_PAUSE_MS', 50, { min: 0, max: 10_000 }),
    },
  };
}

/** Only the database URL: for `main.js migrate`, which needs nothing else. */
export function loadDatabaseUrl(envVars: Record<string, string | undefined> = process.env): string {
  const env = new EnvReader(envVars);
  const url = readDatabaseUrl(env);
  return env.done(url);
}

function readDatabaseUrl(env: EnvReader): string {
  const databaseUrl = env.string('DATABASE_URL', 'mysql://root@127.0.0.1:3306/postback');
  env.check(/^mysql:\/\//.test(databaseUrl) ? undefined : 'DATABASE_URL must be a mysql:// URL');
  return databaseUrl;
}

export function loadServiceConfig(envVars: Record<string, string | undefined> = process.env): ServiceConfig {
  const env = new EnvReader(envVars);
  const port = env.int('PORT', 3000, { min: 0, max: 65535 });
  const host = env.string('HOST', '127.0.0.1');
  const secretsKey = env.string('SECRETS_KEY');
  env.check(secretsKey && secretsKey.length < 32 ? 'SECRETS_KEY must be at least 32 characters (or 32 bytes in base64)' : undefined);
  const adminApiKey = env.string('ADMIN_API_KEY');
  env.check(adminApiKey && adminApiKey.length < 24 ? 'ADMIN_API_KEY must be at least 24 characters' : undefined);
  const databaseUrl = readDatabaseUrl(env);
  const config = new ServiceConfig(
    { host, port, publicUrl: env.string('PUBLIC_URL', `http://${host}:${port}`) },
    env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    databaseUrl,
    readKafkaEnv(env, 'postback-config-service'),
    env.list('ORDER_EVENT_TOPICS', [DEFAULT_ORDER_EVENTS_TOPIC]),
    secretsKey,
    adminApiKey,
    env.list('SSRF_ALLOWLIST', []),
    {
      pollIntervalMs: env.int('OUTBOX_POLL_INTERVAL_MS', 1000, { min: 10, max: 60_000 }),
      batchSize: env.int('OUTBOX_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
    },
    {
      maxAttempts: env.int('TRIGGER_DEFAULT_MAX_ATTEMPTS', 8, { min: 1, max: 50 }),
      timeoutMs: env.int('TRIGGER_DEFAULT_TIMEOUT_MS', 15_000, { min: 100, max: 120_000 }),
    },
    env.bool('DB_MIGRATE_ON_START', true),
    env.string('DELIVERY_LOG_GROUP_ID', 'postback-delivery-log'),
    env.int('DELIVERY_LOG_FETCH_LINGER_MS', 200, { min: 0, max: 5000 }),
    readPlatform(env),
    resolve(env.string('CONSOLE_DIR', 'dist/console')),
    readRenderEnv(env, 'PREVIEW_RENDER_WORKERS', 1),
    readLifecycle(env),
    readPiiPaths(env),
    { smtp: readSmtpEnv(env), autoPauseEmail: env.bool('AUTO_PAUSE_NOTIFY', true) },
  );
  return env.done(config);
}

function readPlatform(env: EnvReader): ServiceConfig['platform'] {
  const services = env.pairs('PLATFORM_SERVICE_URLS', [
    ['router-service', 'http://127.0.0.1:3001'],
    ['delivery-service', 'http://127.0.0.1:3002'],
  ]);
  for (const [name, url] of services)
    env.check(/^https?:\/\/[^/]+/.test(url) ? undefined : `PLATFORM_SERVICE_URLS: the URL of ${name} must be http(s)://host[:port]`);
  const groups = env.pairs('PLATFORM_CONSUMER_GROUPS', [
    ['router', env.optionalString('ROUTER_GROUP_ID') ?? 'postback-router'],
    ['delivery', env.optionalString('DELIVERY_GROUP_ID') ?? 'postback-delivery'],
  ]);
  const deliveryLog = env.string('DELIVERY_LOG_GROUP_ID', 'postback-delivery-log');
  return {
    services: services.map(([name, url]) => ({ name, url: url.replace(/\/+$/, '') })),
    consumerGroups: [...groups.map(([role, groupId]) => ({ role, groupId })), { role: 'delivery-log', groupId: deliveryLog }],
  };
}
