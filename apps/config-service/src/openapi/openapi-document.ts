import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createLogger } from '@postback/observability';
import { AppModule } from '../app.module';
import { loadServiceConfig } from '../config/service-config';
import { documentObservabilityEndpoints, OBSERVABILITY_MODELS } from './observability-docs';

/** The API's OpenAPI document: what Swagger UI shows, and what the console's client is generated from. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Postback platform: configuration API')
      .setDescription(
        'Customers, templates, triggers and deliveries of order-event postbacks. Every endpoint but /health/* and /metrics needs an API key, ' +
          'sent as `X-Api-Key: <key>` or `Authorization: Bearer <key>`. Errors share one body: `statusCode`, a stable `code`, a `message`, ' +
          'field-level `errors` where input was refused, and the `requestId` (also in the `X-Request-Id` header).',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .build(),
    { extraModels: OBSERVABILITY_MODELS },
  );
  return documentObservabilityEndpoints(document);
}

/**
 * The document without a running service: the app's module graph in Nest's preview mode (no
 * provider is instantiated, so neither MySQL nor Kafka is needed), for tools and tests.
 */
export async function openApiDocumentOffline(): Promise<OpenAPIObject> {
  const config = loadServiceConfig({ ADMIN_API_KEY: 'openapi-document-placeholder-key', SECRETS_KEY: 'openapi-document-placeholder-secrets-key' });
  const logger = createLogger({ service: 'openapi', level: 'silent' });
  const app = await NestFactory.create(AppModule.forRoot(config, logger), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
