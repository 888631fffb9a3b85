import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createLogger } from '@postback/observability';
import { exitOnStartFailure, startService } from '@postback/runtime';
import { AppModule } from './app.module';
import { loadServiceConfig } from './config/service-config';
import { migrateDatabase } from './database/migrate';

export function setupHttp(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Postback platform: configuration API')
      .setDescription('Customers, templates, triggers and deliveries of order-event postbacks. Every endpoint but /health/* and /metrics needs an API key.')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

async function main(): Promise<void> {
  const config = loadServiceConfig();
  const logger = createLogger({ service: 'config-service', level: config.logLevel });
  const command = process.argv[2];
  if (command === 'migrate') {
    await migrateDatabase(config.databaseUrl, logger);
    return;
  }
  await migrateDatabase(config.databaseUrl, logger).catch(exitOnStartFailure(logger));
  await startService({ module: AppModule.forRoot(config, logger), logger, port: config.http.port, host: config.http.host, setup: setupHttp }).catch(
    exitOnStartFailure(logger),
  );
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
