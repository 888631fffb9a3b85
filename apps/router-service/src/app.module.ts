import { DynamicModule, Module } from '@nestjs/common';
import { CONFIG_VIEW_PATTERN, ConfigViewModule, TriggerIndex } from '@postback/config-view';
import { ObservabilityModule } from '@postback/observability';
import { kafkaProviders } from '@postback/runtime';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ServiceConfig } from './config/service-config';
import { OrderLifecycleConsumer } from './lifecycle/order-lifecycle.consumer';
import { OrderLifecycleView } from './lifecycle/order-lifecycle-view';
import { PATTERNS } from './patterns';
import { EventRouter } from './routing/event-router';
import { OrderEventsConsumer } from './routing/order-events.consumer';
import { RouterMetrics } from './routing/router.metrics';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, logger: Logger): DynamicModule {
    const topics = config.kafka.topics;
    // Lifecycle awareness: a view rebuilt from the changelog (broadcast, so it is complete before the
    // order-event consumer starts) and kept current by every router's writes. Off: none of it.
    const lifecycle = config.lifecycleTracking ? new OrderLifecycleView(topics.orderLifecycle) : undefined;
    return {
      module: AppModule,
      imports: [ObservabilityModule.forRoot({ service: 'router-service', logger }), ConfigViewModule],
      controllers: lifecycle ? [OrderEventsConsumer, OrderLifecycleConsumer] : [OrderEventsConsumer],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: RouterMetrics, useFactory: (r: Registry) => new RouterMetrics(r), inject: [Registry] },
        ...(lifecycle ? [{ provide: OrderLifecycleView, useValue: lifecycle }] : []),
        {
          provide: EventRouter,
          useFactory: (i: TriggerIndex, m: RouterMetrics) => new EventRouter(i, m, topics, undefined, lifecycle),
          inject: [TriggerIndex, RouterMetrics],
        },
        ...kafkaProviders({
          connection: config.kafka,
          orderTopics: config.orderTopics,
          transactionalIdPrefix: config.transactionalIdPrefix,
          bindings: [
            { pattern: CONFIG_VIEW_PATTERN, topics: [topics.config], mode: 'broadcast', groupId: 'postback-router-config' },
            ...(lifecycle
              ? [{ pattern: PATTERNS.orderLifecycle, topics: [topics.orderLifecycle], mode: 'broadcast' as const, groupId: 'postback-router-lifecycle' }]
              : []),
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
            { pattern: PATTERNS.testEvents, topics: [topics.testEvents], mode: 'transactional', groupId: `${config.groupId}.tests` },
          ],
        }),
      ],
    };
  }
}
