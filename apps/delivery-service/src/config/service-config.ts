import { DEFAULT_ORDER_EVENTS_TOPIC } from '@postback/contracts';
import { EnvReader, KafkaSettings, RenderSettings, readKafkaEnv, readRenderEnv, readSmtpEnv, SmtpSettings } from '@postback/runtime';
import { parseSchedule, RetryTier } from '../deliveries/retry-policy';

export class ServiceConfig {
  constructor(
    readonly http: { host: string; port: number },
    readonly logLevel: string,
    readonly kafka: KafkaSettings,
    readonly orderTopics: string[],
    readonly groupId: string,
    readonly partitionsConsumedConcurrently: number,
    /** Fetch linger of the job consumer (see ConsumerBinding.fetchLingerMs). */
    readonly fetchLingerMs: number,
    /** Commit window and offset-commit interval of the job consumers (see BatchWindow, OffsetCommitter). */
    readonly commits: { windowMs: number; offsetIntervalMs: number },
    /** Opens the signing secrets sealed into trigger snapshots (shared with the config service). */
    readonly secretsKey: string,
    readonly ssrfAllowList: string[],
    readonly delivery: {
      /** Requests in flight at once, over all destinations. */
      maxConcurrency: number;
      /** Requests in flight at once to one host. */
      maxPerHost: number;
      /** How long a job waits for the config view to reach the trigger revision the router saw. */
      configWaitMs: number;
      responseExcerptBytes: number;
      userAgent: string;
      /**
       * How long a job on the main topic may hold its batch (waiting for a host slot and for the
       * answer). Past it the attempt goes on in the background and the main topic moves on.
       */
      mainTopicBudgetMs: number;
      /** Consecutive failures of a host that open its circuit (closed again by a success in the retry lane). */
      circuitThreshold: number;
    },
    readonly retry: { tiers: RetryTier[]; jitter: number; partitionsConsumedConcurrently: number },
    readonly render: RenderSettings,
    /** The email channel's SMTP server; undefined (no SMTP_HOST) disables email delivery. */
    readonly smtp: SmtpSettings | undefined,
  ) {}
}

/** DELIVERY_RETRY_SCHEDULE: the delay of each retry tier; about a day in all by default (with 8 attempts). */
function retryTiers(env: EnvReader): RetryTier[] {
  const text = env.string('DELIVERY_RETRY_SCHEDULE', '5s,1m,5m,30m,2h,6h,12h');
  try {
    return parseSchedule(text);
  } catch (e) {
    env.check(`DELIVERY_RETRY_SCHEDULE: ${(e as Error).message}`);
    return parseSchedule('5s');
  }
}

export function loadServiceConfig(envVars: Record<string, string | undefined> = process.env): ServiceConfig {
  const env = new EnvReader(envVars);
  const secretsKey = env.string('SECRETS_KEY');
  env.check(secretsKey && secretsKey.length < 32 ? 'SECRETS_KEY must be at least 32 characters (or 32 bytes in base64)' : undefined);
  const config = new ServiceConfig(
    { host: env.string('HOST', '127.0.0.1'), port: env.int('PORT', 3002, { min: 0, max: 65535 }) },
    env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    readKafkaEnv(env, 'postback-delivery'),
    env.list('ORDER_EVENT_TOPICS', [DEFAULT_ORDER_EVENTS_TOPIC]),
    env.string('DELIVERY_GROUP_ID', 'postback-delivery'),
    env.int('DELIVERY_PARTITIONS_CONCURRENTLY', 3, { min: 1, max: 64 }),
    env.int('DELIVERY_FETCH_LINGER_MS', 0, { min: 0, max: 1000 }),
    {
      windowMs: env.int('DELIVERY_COMMIT_WINDOW_MS', 0, { min: 0, max: 1000 }),
      offsetIntervalMs: env.int('DELIVERY_OFFSET_COMMIT_INTERVAL_MS', 250, { min: 0, max: 60_000 }),
    },
    secretsKey,
    env.list('SSRF_ALLOWLIST', []),
    {
      maxConcurrency: env.int('DELIVERY_MAX_CONCURRENCY', 200, { min: 1, max: 10_000 }),
      maxPerHost: env.int('DELIVERY_MAX_PER_HOST', 20, { min: 1, max: 1000 }),
      configWaitMs: env.int('DELIVERY_CONFIG_WAIT_MS', 10_000, { min: 0, max: 120_000 }),
      responseExcerptBytes: env.int('DELIVERY_RESPONSE_EXCERPT_BYTES', 2048, { min: 0, max: 65_536 }),
      userAgent: env.string('DELIVERY_USER_AGENT', 'postback-platform/0.1 (+https://www.standardwebhooks.com)'),
      mainTopicBudgetMs: env.int('DELIVERY_MAIN_TOPIC_BUDGET_MS', 1000, { min: 50, max: 120_000 }),
      circuitThreshold: env.int('DELIVERY_CIRCUIT_THRESHOLD', 3, { min: 1, max: 1000 }),
    },
    {
      tiers: retryTiers(env),
      jitter: env.int('DELIVERY_RETRY_JITTER_PERCENT', 20, { min: 0, max: 50 }) / 100,
      partitionsConsumedConcurrently: env.int('DELIVERY_RETRY_PARTITIONS_CONCURRENTLY', 3, { min: 1, max: 64 }),
    },
    readRenderEnv(env, 'RENDER_WORKERS', 1),
    readSmtpEnv(env),
  );
  return env.done(config);
}
