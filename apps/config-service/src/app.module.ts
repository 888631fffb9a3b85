import { DynamicModule, MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthService, ObservabilityModule } from '@postback/observability';
import { kafkaProviders } from '@postback/runtime';
import { SecretBox, SsrfGuard } from '@postback/security';
import { TemplateRenderer } from '@postback/templating';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { BackfillMetrics } from './backfills/backfill.metrics';
import { BackfillRunner } from './backfills/backfill-runner';
import { BackfillsController } from './backfills/backfills.controller';
import { BackfillsService } from './backfills/backfills.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { MeController } from './auth/me.controller';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { apiValidationPipe } from './common/validation';
import { ServiceConfig } from './config/service-config';
import { ConfigPublisher } from './config-topic/config-publisher';
import { ConfigReconciler } from './config-topic/config-reconciler';
import { SecretsKeyCheck } from './security/secrets-key-check';
import { CustomersController } from './customers/customers.controller';
import { CustomersService } from './customers/customers.service';
import { dataSourceOptions } from './database/data-source-options';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryLogWriter } from './deliveries/delivery-log.writer';
import { DeliveryResultsConsumer } from './deliveries/delivery-results.consumer';
import { EventTypesController } from './event-types/event-types.controller';
import { MapperController } from './mapper/mapper.controller';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxService } from './outbox/outbox.service';
import { PATTERNS } from './patterns';
import { PlatformController } from './platform/platform.controller';
import { PlatformStatusService } from './platform/platform-status.service';
import { PreviewController } from './preview/preview.controller';
import { ReplaysController } from './replays/replays.controller';
import { ReplaysService } from './replays/replays.service';
import { PreviewService } from './preview/preview.service';
import { CustomerTemplatesController, TemplatesController } from './templates/templates.controller';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { TemplatesService } from './templates/templates.service';
import { TestFireService } from './test-fire/test-fire.service';
import { TriggersController } from './triggers/triggers.controller';
import { FixturesController } from './fixtures/fixtures.controller';
import { FixturesService } from './fixtures/fixtures.service';
import { FailureStreakDetector } from './lifecycle/failure-streaks';
import { LifecycleJobs } from './lifecycle/lifecycle-jobs';
import { PauseNotices } from './lifecycle/pause-notices';
import { RetentionPurger } from './lifecycle/retention';
import { PersonalDataPolicy } from './personal-data/personal-data.policy';
import { SlaController } from './sla/sla.controller';
import { SlaService } from './sla/sla.service';
import { TriggersService } from './triggers/triggers.service';

/** MySQL in the readiness checks (Kafka's come with kafkaProviders). */
class DatabaseReadiness implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'mysql', check: async () => void (await this.db.query('SELECT 1')) });
  }
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: ServiceConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'config-service', logger }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 10, retryDelay: 2000 }),
      ],
      controllers: [
        CustomersController,
        SlaController,
        TemplatesController,
        CustomerTemplatesController,
        PreviewController,
        MapperController,
        TriggersController,
        FixturesController,
        EventTypesController,
        DeliveriesController,
        ReplaysController,
        BackfillsController,
        ApiKeysController,
        AuditController,
        MeController,
        StatsController,
        PlatformController,
        DeliveryResultsConsumer,
      ],
      providers: [
        { provide: ServiceConfig, useValue: config },
        ...kafkaProviders({
          connection: config.kafka,
          orderTopics: config.orderTopics,
          bindings: [
            {
              pattern: PATTERNS.deliveryResults,
              topics: [config.kafka.topics.deliveryResults],
              mode: 'at-least-once',
              groupId: config.deliveryLogGroupId,
              partitionsConsumedConcurrently: 3,
              fetchLingerMs: config.deliveryLogFetchLingerMs,
              // The writes are idempotent: committing offsets once a second re-reads at most that much after a crash.
              commitIntervalMs: 1000,
            },
          ],
        }),
        { provide: SecretBox, useValue: new SecretBox(config.secretsKey) },
        { provide: SsrfGuard, useValue: new SsrfGuard({ allowList: config.ssrfAllowList }) },
        { provide: TemplateRenderer, useFactory: () => new TemplateRenderer(config.render) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: apiValidationPipe },
        { provide: DatabaseReadiness, useFactory: (h: HealthService, db: DataSource) => new DatabaseReadiness(h, db), inject: [HealthService, DataSource] },
        ApiKeysService,
        AuditService,
        OutboxService,
        OutboxRelay,
        ConfigPublisher,
        SecretsKeyCheck,
        ConfigReconciler,
        CustomersService,
        TemplatesService,
        PreviewService,
        FixturesService,
        TriggersService,
        TestFireService,
        DeliveriesService,
        DeliveryLogWriter,
        FailureStreakDetector,
        PauseNotices,
        RetentionPurger,
        LifecycleJobs,
        SlaService,
        PersonalDataPolicy,
        ReplaysService,
        BackfillMetrics,
        BackfillRunner,
        BackfillsService,
        StatsService,
        PlatformStatusService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
