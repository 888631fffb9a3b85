import 'reflect-metadata';
import { KafkaTransport } from '@postback/kafka';
import { createLogger, startTracing } from '@postback/observability';
import { exitOnStartFailure, startService } from '@postback/runtime';
import { AppModule } from './app.module';
import { loadServiceConfig } from './config/service-config';

async function main(): Promise<void> {
  const config = loadServiceConfig();
  const logger = createLogger({ service: 'delivery-service', level: config.logLevel });
  await startTracing('delivery-service', logger).catch(exitOnStartFailure(logger));
  await startService({ module: AppModule.forRoot(config, logger), logger, port: config.http.port, host: config.http.host, transport: KafkaTransport }).catch(
    exitOnStartFailure(logger),
  );
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
