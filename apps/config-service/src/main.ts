import 'reflect-metadata';
import { KafkaTransport } from '@postback/kafka';
import { createLogger, startTracing } from '@postback/observability';
import { exitOnStartFailure, startService } from '@postback/runtime';
import { AppModule } from './app.module';
import { loadDatabaseUrl, loadServiceConfig } from './config/service-config';
import { migrateDatabase } from './database/migrate';
import { setupHttp } from './http-setup';

async function main(): Promise<void> {
  if (process.argv[2] === 'migrate') {
    await migrateDatabase(loadDatabaseUrl(), createLogger({ service: 'config-service', level: 'info' }));
    return;
  }
  const config = loadServiceConfig();
  const logger = createLogger({ service: 'config-service', level: config.logLevel });
  await startTracing('config-service', logger).catch(exitOnStartFailure(logger));
  if (config.migrateOnStart) await migrateDatabase(config.databaseUrl, logger).catch(exitOnStartFailure(logger));
  await startService({
    module: AppModule.forRoot(config, logger),
    logger,
    port: config.http.port,
    host: config.http.host,
    setup: setupHttp,
    transport: KafkaTransport,
  }).catch(exitOnStartFailure(logger));
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
