import { randomUUID } from 'node:crypto';
import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG_VIEW_PATTERN, ConfigViewModule, TriggerIndex } from '@postback/config-view';
import { KAFKA_HEADERS, retryTopic } from '@postback/contracts';
import { KafkaClient, KafkaProducer } from '@postback/kafka';
import { LOGGER, ObservabilityModule } from '@postback/observability';
import { kafkaProviders } from '@postback/runtime';
import { SecretBox, SsrfGuard } from '@postback/security';
import { TemplateRenderer } from '@postback/templating';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DeliveryChannel } from './channels/channel';
import { EmailChannel } from './channels/email.channel';
import { HttpChannel } from './channels/http.channel';
import { ServiceConfig } from './config/service-config';
import { DeliveryJobsConsumer } from './deliveries/delivery-jobs.consumer';
import { DeliveryMetrics } from './deliveries/delivery.metrics';
import { AttemptResults } from './deliveries/attempt-results';
import { KeyedSemaphore, Semaphore } from './deliveries/concurrency';
import { DeliveryLanes } from './deliveries/delivery-lanes';
import { DeliveryPipeline } from './deliveries/delivery-pipeline';
import { OrderSequence } from './deliveries/order-sequence';
import { OrderSequenceConsumer } from './deliveries/order-sequence.consumer';
import { SequenceMetrics } from './deliveries/sequence.metrics';
import { outcomeRecords } from './deliveries/outcome-records';
import { PayloadRenderer } from './deliveries/payload-renderer';
import { SettledDeliveries } from './deliveries/settled-deliveries';
import { SigningSecrets } from './deliveries/signing-secrets';
import { TriggerResolver } from './deliveries/trigger-resolver';
import { HostHealth } from './deliveries/host-health';
import { RetryPolicy } from './deliveries/retry-policy';
import { PATTERNS } from './patterns';

/** The channels by name; closes their connections on shutdown. */
class Channels extends Map<string, DeliveryChannel> implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    for (const c of this.values()) c.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ObservabilityModule.forRoot({ service: 'delivery-service', logger }), ConfigViewModule],
      controllers: [DeliveryJobsConsumer, OrderSequenceConsumer],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: DeliveryMetrics, useFactory: (r: Registry) => new DeliveryMetrics(r), inject: [Registry] },
        { provide: SecretBox, useValue: new SecretBox(config.secretsKey) },
        { provide: SsrfGuard, useValue: new SsrfGuard({ allowList: config.ssrfAllowList }) },
        { provide: TemplateRenderer, useFactory: () => new TemplateRenderer(config.render) },
        {
          provide: Channels,
          useFactory: (ssrf: SsrfGuard, renderer: TemplateRenderer) => {
            const channels = new Channels();
            channels.set(
              'http',
              new HttpChannel({ ssrf, userAgent: config.delivery.userAgent, responseExcerptBytes: config.delivery.responseExcerptBytes, networkRetries: 2 }),
            );
            if (config.smtp) channels.set('email', new EmailChannel(config.smtp, renderer));
            return channels;
          },
          inject: [SsrfGuard, TemplateRenderer],
        },
        {
          provide: OrderSequence,
          useFactory: (registry: Registry, logger: Logger, client: KafkaClient) =>
            new OrderSequence(randomUUID(), new SequenceMetrics(registry), logger, () => client.endOffsets(config.kafka.topics.orderSequence)),
          inject: [Registry, LOGGER, KafkaClient],
        },
        { provide: RetryPolicy, useValue: new RetryPolicy(config.retry.tiers, config.retry.jitter) },
        {
          provide: HostHealth,
          useFactory: (metrics: DeliveryMetrics) => metrics.watchCircuits(new HostHealth(config.delivery.circuitThreshold)),
          inject: [DeliveryMetrics],
        },
        {
          provide: DeliveryPipeline,
          useFactory: (
            index: TriggerIndex,
            renderer: TemplateRenderer,
            channels: Channels,
            box: SecretBox,
            metrics: DeliveryMetrics,
            retryPolicy: RetryPolicy,
            hostHealth: HostHealth,
            logger: Logger,
            producer: KafkaProducer,
            sequence: OrderSequence,
          ) => {
            const topics = config.kafka.topics;
            const settled = new SettledDeliveries();
            const lanes = new DeliveryLanes(
              { topics, mainTopicBudgetMs: config.delivery.mainTopicBudgetMs },
              new Semaphore(config.delivery.maxConcurrency),
              new KeyedSemaphore(config.delivery.maxPerHost),
              hostHealth,
              retryPolicy,
              metrics,
              settled,
              producer,
              (outcomes) => outcomeRecords(outcomes, [], topics),
            );
            return new DeliveryPipeline({
              resolver: new TriggerResolver(index, channels, config.delivery.configWaitMs),
              renderer: new PayloadRenderer(renderer, metrics),
              secrets: new SigningSecrets(box),
              lanes,
              results: new AttemptResults(metrics, settled),
              hostHealth,
              retryPolicy,
              sequence,
              metrics,
              topics,
              logger,
            });
          },
          inject: [TriggerIndex, TemplateRenderer, Channels, SecretBox, DeliveryMetrics, RetryPolicy, HostHealth, LOGGER, KafkaProducer, OrderSequence],
        },
        ...kafkaProviders({
          connection: config.kafka,
          orderTopics: config.orderTopics,
          retryTiers: config.retry.tiers.map((t) => t.name),
          bindings: [
            { pattern: CONFIG_VIEW_PATTERN, topics: [config.kafka.topics.config], mode: 'broadcast', groupId: 'postback-delivery-config' },
            { pattern: PATTERNS.orderSequence, topics: [config.kafka.topics.orderSequence], mode: 'broadcast', groupId: 'postback-delivery-sequence' },
            {
              pattern: PATTERNS.jobs,
              topics: [config.kafka.topics.deliveries],
              mode: 'at-least-once',
              groupId: config.groupId,
              partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
              fetchLingerMs: config.fetchLingerMs,
              windowMs: config.commits.windowMs,
              commitIntervalMs: config.commits.offsetIntervalMs,
            },
            {
              pattern: PATTERNS.retries,
              topics: config.retry.tiers.map((t) => retryTopic(config.kafka.topics, t.name)),
              mode: 'at-least-once',
              groupId: `${config.groupId}.retries`,
              partitionsConsumedConcurrently: config.retry.partitionsConsumedConcurrently,
              dueAtHeader: KAFKA_HEADERS.dueAt,
              commitIntervalMs: config.commits.offsetIntervalMs,
            },
          ],
        }),
      ],
    };
  }
}
