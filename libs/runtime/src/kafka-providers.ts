import { OnModuleInit, Provider } from '@nestjs/common';
import { topicLayout } from '@postback/contracts';
import { ConsumerBinding, KafkaClient, KafkaProducer, KafkaTransport, TopicProvisioner } from '@postback/kafka';
import { HealthService, LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { KafkaSettings } from './kafka-env';

export interface KafkaProvidersOptions {
  connection: KafkaSettings;
  orderTopics: readonly string[];
  /** Retry-tier topics this service provisions (the delivery service). */
  retryTiers?: readonly string[];
  /** Consumers of this service; none for a producer-only service. */
  bindings?: ConsumerBinding[];
  transactionalIdPrefix?: string;
}

/**
 * `postback_consumer_lag_messages`: per consumer group and topic, end offsets minus committed
 * offsets, read from the broker at scrape time (so a stuck consumer shows its growing lag).
 */
function registerLagGauge(registry: Registry, client: KafkaClient, bindings: ConsumerBinding[]): void {
  const groups = bindings.filter((b) => b.mode !== 'broadcast');
  if (groups.length === 0) return;
  new Gauge({
    name: 'postback_consumer_lag_messages',
    help: 'Messages not yet consumed (and committed) by a consumer group, per topic',
    labelNames: ['consumer_group', 'topic'],
    registers: [registry],
    async collect() {
      for (const b of groups) {
        try {
          const lag = await Promise.race([
            client.groupLag(b.groupId, b.topics),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
          ]);
          for (const [topic, value] of lag) this.set({ consumer_group: b.groupId, topic }, value);
        } catch {
          // The broker is unreachable: keep the last values; the readiness check reports it.
        }
      }
    },
  });
}

/**
 * `postback_kafka_requests_total`: requests sent to the brokers by API (Fetch, Produce, EndTxn, …).
 * The broker's cost is mostly per request, so requests per event is what to watch.
 */
function registerRequestCounter(registry: Registry, client: KafkaClient): void {
  const counter = new Counter({
    name: 'postback_kafka_requests_total',
    help: 'Requests sent to the Kafka brokers, by API',
    labelNames: ['api'],
    registers: [registry],
  });
  client.onRequest((api) => counter.inc({ api }));
}

class KafkaReadiness implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly kafka: KafkaClient,
    private readonly transport: KafkaTransport | undefined,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'kafka', check: () => this.kafka.ping() });
    const transport = this.transport;
    if (transport) this.health.register({ name: 'consumers', check: () => transport.problems().join('; ') || undefined });
  }
}

/**
 * The Kafka client, a producer (connecting on first use), the topic provisioner, the consuming
 * transport when the service has consumers (it provisions the topics before subscribing: KRaft
 * refuses unknown topics), and their readiness checks. Nothing here waits for the broker, so a
 * service starts and answers /health/live while Kafka is unreachable.
 */
export function kafkaProviders(options: KafkaProvidersOptions): Provider[] {
  const providers: Provider[] = [
    { provide: KafkaClient, useFactory: (log: Logger) => new KafkaClient(options.connection, log), inject: [LOGGER] },
    { provide: KafkaProducer, useFactory: (client: KafkaClient) => client.producer(), inject: [KafkaClient] },
    {
      provide: TopicProvisioner,
      useFactory: (client: KafkaClient, log: Logger) =>
        new TopicProvisioner(
          client,
          topicLayout({
            partitions: options.connection.partitions,
            orderTopics: options.orderTopics,
            topics: options.connection.topics,
            retryTiers: options.retryTiers,
          }),
          log,
        ),
      inject: [KafkaClient, LOGGER],
    },
  ];
  const bindings = options.bindings;
  if (bindings?.length) {
    providers.push({
      provide: KafkaTransport,
      useFactory: (client: KafkaClient, producer: KafkaProducer, topics: TopicProvisioner, log: Logger) =>
        new KafkaTransport({
          client,
          producer,
          logger: log,
          transactionalIdPrefix: options.transactionalIdPrefix ?? options.connection.clientId,
          bindings,
          beforeStart: () => topics.ensure(),
        }),
      inject: [KafkaClient, KafkaProducer, TopicProvisioner, LOGGER],
    });
  }
  providers.push({
    provide: KafkaReadiness,
    useFactory: (h: HealthService, k: KafkaClient, registry: Registry, t?: KafkaTransport) => {
      registerLagGauge(registry, k, bindings ?? []);
      registerRequestCounter(registry, k);
      return new KafkaReadiness(h, k, t);
    },
    inject: bindings?.length ? [HealthService, KafkaClient, Registry, KafkaTransport] : [HealthService, KafkaClient, Registry],
  });
  return providers;
}
