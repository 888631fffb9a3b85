/**
 * Kafka topic names. The only place they are spelled: everything else imports these constants.
 * Input topics are configurable (ROUTER_INPUT_TOPICS); `orders.events` is the default.
 */
export const TOPICS = {
  orderEvents: 'orders.events',
  invalidEvents: 'orders.events.invalid',
  config: 'postback.config',
  deliveries: 'postback.deliveries',
  deliveriesDlq: 'postback.deliveries.dlq',
  deliveryResults: 'postback.delivery-results',
} as const;

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
} as const;

/** HTTP headers of an outgoing postback (Standard Webhooks, plus our own). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
  eventType: 'x-postback-event-type',
  attempt: 'x-postback-attempt',
  test: 'x-postback-test',
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
export function topicLayout(options: { partitions: number; orderTopics: readonly string[] }): TopicLayout[] {
  const p = options.partitions;
  const week = String(7 * 24 * 3600 * 1000);
  return [
    ...options.orderTopics.map((topic) => ({ topic, partitions: p })),
    { topic: TOPICS.invalidEvents, partitions: p, config: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
    { topic: TOPICS.config, partitions: 1, config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': String(3600 * 1000) } },
    { topic: TOPICS.deliveries, partitions: p, config: { 'retention.ms': week } },
    { topic: TOPICS.deliveriesDlq, partitions: p, config: { 'retention.ms': String(30 * 24 * 3600 * 1000) } },
    { topic: TOPICS.deliveryResults, partitions: p, config: { 'retention.ms': week } },
  ];
}
