import { DynamicModule, Module } from '@nestjs/common';
import { CONFIG_VIEW_PATTERN, ConfigViewModule, TriggerIndex } from '@postback/config-view';
import { ObservabilityModule } from '@postback/observability';
import { kafkaProviders } from '@postback/runtime';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ServiceConfig } from './config/service-config';
import { PATTERNS } from './patterns';
import { EventRouter } from './routing/event-router';
import { OrderEventsConsumer } from './routing/order-events.consumer';
import { RouterMetrics } from './routing/router.metrics';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ObservabilityModule.forRoot({ service: 'router-service', logger }), ConfigViewModule],
      controllers: [OrderEventsConsumer],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: RouterMetrics, useFactory: (r: Registry) => new RouterMetrics(r), inject: [Registry] },
        {
          provide: EventRouter,
          useFactory: (i: TriggerIndex, m: RouterMetrics) => new EventRouter(i, m, config.kafka.topics),
          inject: [TriggerIndex, RouterMetrics],
        },
        ...kafkaProviders({
          connection: config.kafka,
          orderTopics: config.orderTopics,
          transactionalIdPrefix: config.transactionalIdPrefix,
          bindings: [
            { pattern: CONFIG_VIEW_PATTERN, topics: [config.kafka.topics.config], mode: 'broadcast', groupId: 'postback-router-config' },
            {
              pattern: PATTERNS.orderEvents,
              topics: config.orderTopics,
              mode: config.guarantee === 'exactly-once' ? 'transactional' : 'at-least-once',
              groupId: config.groupId,
              partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
              fetchLingerMs: config.fetchLingerMs,
              windowMs: config.transactionWindowMs,
              commitIntervalMs: config.offsetCommitIntervalMs,
            },
            { pattern: PATTERNS.testEvents, topics: [config.kafka.topics.testEvents], mode: 'transactional', groupId: `${config.groupId}.tests` },
          ],
        }),
      ],
    };
  }
}
