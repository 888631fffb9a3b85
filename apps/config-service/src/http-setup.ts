import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { ServiceConfig } from './config/service-config';
import { serveConsole } from './console/console-static';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** OpenAPI document at /docs/openapi.json, Swagger UI at /docs, and the operators' console at /console. */
export function setupHttp(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  serveConsole(app, app.get(ServiceConfig).consoleDir);
}
