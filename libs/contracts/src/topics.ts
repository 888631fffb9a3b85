/** The platform's own topics. */
export interface TopicNames {
  invalidEvents: string;
  config: string;
  deliveries: string;
  deliveriesDlq: string;
  deliveryResults: string;
  testEvents: string;
  /** Compacted: the last lifecycle state routed per order (router's changelog, rebuilt on start). */
  orderLifecycle: string;
  /** Compacted: per-order triggers' blocked orders and the jobs waiting behind them (delivery service). */
  orderSequence: string;
}

/**
 * Kafka topic names: the only place they are spelled; everything else gets them from here.
 * `prefix` (KAFKA_TOPIC_PREFIX, e.g. "staging.") lets several installations, or test runs, share
 * a cluster. The order-event input topics are configured in full (ORDER_EVENT_TOPICS).
 */
export function topicNames(prefix = ''): TopicNames {
  return {
    invalidEvents: `${prefix}orders.events.invalid`,
    config: `${prefix}postback.config`,
    deliveries: `${prefix}postback.deliveries`,
    deliveriesDlq: `${prefix}postback.deliveries.dlq`,
    deliveryResults: `${prefix}postback.delivery-results`,
    testEvents: `${prefix}postback.test-events`,
    orderLifecycle: `${prefix}postback.order-lifecycle`,
    orderSequence: `${prefix}postback.order-sequence`,
  };
}

export const DEFAULT_ORDER_EVENTS_TOPIC = 'orders.events';

/**
 * How long an order's lifecycle state is kept after its last write: the changelog topic deletes
 * older records (`compact,delete`) and the router forgets them from memory; an event for an order
 * quiet for longer is judged as the order's first (see order-lifecycle.ts).
 */
export const ORDER_LIFECYCLE_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** A retry tier's topic, named after its delay: `postback.deliveries.retry.5m`. */
export function retryTopic(topics: TopicNames, tier: string): string {
  return `${topics.deliveries}.retry.${tier}`;
}

export const TOPICS = { orderEvents: DEFAULT_ORDER_EVENTS_TOPIC, ...topicNames() } as const;

/** Kafka record headers we set. Lower-case, `x-postback-` prefixed. */
export const KAFKA_HEADERS = {
  /** Why an event was refused (on the invalid-events topic). */
  invalidReason: 'x-postback-invalid-reason',
  /** The topic, partition and offset the refused event came from. */
  sourceTopic: 'x-postback-source-topic',
  sourcePartition: 'x-postback-source-partition',
  sourceOffset: 'x-postback-source-offset',
  /** Schema of the value, e.g. `delivery-job/1`. */
  schema: 'x-postback-schema',
  /** Correlation id carried from the event to its jobs and results. */
  eventId: 'x-postback-event-id',
  /** On retry topics: when the job is due, milliseconds since the epoch. */
  dueAt: 'x-postback-due-at',
  /** On the dead-letter topic: the last error and the attempts made. */
  lastError: 'x-postback-last-error',
  attempts: 'x-postback-attempts',
  /** W3C Trace Context (see trace-context.ts): from the order event to its jobs, retries and dead letters. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** HTTP headers of an outgoing postback (Standard Webhooks, plus our own). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
  eventType: 'x-postback-event-type',
  attempt: 'x-postback-attempt',
  test: 'x-postback-test',
  /** W3C Trace Context of the attempt. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export interface TopicLayout {
  topic: string;
  partitions: number;
  config?: Record<string, string>;
}

/**
 * The topics and how they are laid out. Every service provisions what it reads or writes
 * before subscribing; creating an existing topic is a no-op. In production the same layout is
 * declared as Strimzi KafkaTopic resources (deploy/k8s).
 */
export function topicLayout(options: {
  partitions: number;
  orderTopics: readonly string[];
  topics: TopicNames;
  retryTiers?: readonly string[];
}): TopicLayout[] {
  const p = options.partitions;
  const t = options.topics;
  const week = String(7 * 24 * 3600 * 1000);
  // State topics: the latest value per key is what counts; tombstones go after a day.
  const compacted = {
    'cleanup.policy': 'compact',
    'min.compaction.lag.ms': '0',
    'segment.ms': String(3600 * 1000),
    'delete.retention.ms': String(24 * 3600 * 1000),
  };
  return [
    ...options.orderTopics.map((topic) => ({ topic, partitions: p })),
    { topic: t.invalidEvents, partitions: p, config: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
    { topic: t.config, partitions: 1, config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': String(3600 * 1000) } },
    { topic: t.deliveries, partitions: p, config: { 'retention.ms': week } },
    { topic: t.deliveriesDlq, partitions: p, config: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
    { topic: t.deliveryResults, partitions: p, config: { 'retention.ms': week } },
    { topic: t.testEvents, partitions: 1, config: { 'retention.ms': String(24 * 3600 * 1000) } },
    // Compacted, and a state not written for ORDER_LIFECYCLE_RETENTION_MS is deleted (memory and start-up stay bounded).
    {
      topic: t.orderLifecycle,
      partitions: p,
      config: { ...compacted, 'cleanup.policy': 'compact,delete', 'retention.ms': String(ORDER_LIFECYCLE_RETENTION_MS) },
    },
    { topic: t.orderSequence, partitions: p, config: compacted },
    ...(options.retryTiers ?? []).map((tier) => ({ topic: retryTopic(t, tier), partitions: p, config: { 'retention.ms': week } })),
  ];
}
