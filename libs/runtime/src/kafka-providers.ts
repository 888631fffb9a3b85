import { OnModuleInit, Provider } from '@nestjs/common';
import { topicLayout } from '@postback/contracts';
import { ConsumerBinding, KafkaClient, KafkaProducer, KafkaTransport, provisionTopics } from '@postback/kafka';
import { HealthService, LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { KafkaSettings } from './kafka-env';

export interface KafkaProvidersOptions {
  connection: KafkaSettings;
  orderTopics: readonly string[];
  /** Consumers of this service; none for a producer-only service. */
  bindings?: ConsumerBinding[];
  transactionalIdPrefix?: string;
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
 * The Kafka client, a producer (created once the topics exist: KRaft refuses unknown topics),
 * the consuming transport when the service has consumers, and their readiness checks.
 */
export function kafkaProviders(options: KafkaProvidersOptions): Provider[] {
  const providers: Provider[] = [
    { provide: KafkaClient, useFactory: (log: Logger) => new KafkaClient(options.connection, log), inject: [LOGGER] },
    {
      provide: KafkaProducer,
      useFactory: async (client: KafkaClient, log: Logger) => {
        await provisionTopics(
          client,
          topicLayout({ partitions: options.connection.partitions, orderTopics: options.orderTopics, topics: options.connection.topics }),
          log,
        );
        return client.producer();
      },
      inject: [KafkaClient, LOGGER],
    },
  ];
  const bindings = options.bindings;
  if (bindings?.length) {
    providers.push({
      provide: KafkaTransport,
      useFactory: (client: KafkaClient, producer: KafkaProducer, log: Logger) =>
        new KafkaTransport({ client, producer, logger: log, transactionalIdPrefix: options.transactionalIdPrefix ?? options.connection.clientId, bindings }),
      inject: [KafkaClient, KafkaProducer, LOGGER],
    });
  }
  providers.push({
    provide: KafkaReadiness,
    useFactory: (h: HealthService, k: KafkaClient, t?: KafkaTransport) => new KafkaReadiness(h, k, t),
    inject: bindings?.length ? [HealthService, KafkaClient, KafkaTransport] : [HealthService, KafkaClient],
  });
  return providers;
}
