import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

/*
 * /health/live, /health/ready and /metrics come from libs/observability, shared by every service,
 * whose controller carries no OpenAPI decorators: the config API documents them here.
 */

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], description: 'Always ok: the process answers' }) status!: 'ok';
}

export class ReadinessCheckDto {
  @ApiProperty({ enum: ['ok', 'down'], example: 'ok' }) status!: 'ok' | 'down';
  @ApiPropertyOptional({ description: 'Why it is down', example: 'mysql check timed out' }) detail?: string;
}

export class ReadinessReportDto {
  @ApiProperty({ enum: ['ok', 'unavailable'], description: 'ok only when every check passes' }) status!: 'ok' | 'unavailable';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ReadinessCheckDto) },
    description: 'Each check by name: mysql, kafka and the Kafka consumers',
    example: { mysql: { status: 'ok' }, kafka: { status: 'ok' }, consumers: { status: 'ok' } },
  })
  checks!: Record<string, ReadinessCheckDto>;
}

/** The models the operations below refer to: pass them to `createDocument` as extra models. */
export const OBSERVABILITY_MODELS = [LivenessDto, ReadinessCheckDto, ReadinessReportDto];

const json = (model: Type<unknown>) => ({ 'application/json': { schema: { $ref: getSchemaPath(model) } } });

const OPERATIONS: Record<string, Pick<OperationObject, 'summary' | 'description' | 'responses'>> = {
  '/health/live': {
    summary: 'Check that the service is alive',
    description: 'Answers 200 while the process runs, whatever the state of MySQL and Kafka: for a liveness probe. Needs no API key.',
    responses: { '200': { description: 'The process answers', content: json(LivenessDto) } },
  },
  '/health/ready': {
    summary: 'Check that the service is ready',
    description:
      'Runs the readiness checks (MySQL, Kafka, the Kafka consumers), each with a time limit: 200 when all pass, 503 with the failing ' +
      'checks when one does not. For a readiness probe or a load balancer. Needs no API key.',
    responses: {
      '200': { description: 'Every check passes', content: json(ReadinessReportDto) },
      '503': { description: 'A check fails: the report says which and why', content: json(ReadinessReportDto) },
    },
  },
  '/metrics': {
    summary: 'Read the Prometheus metrics',
    description:
      "Returns the service's metrics in the Prometheus text format (all named postback_*, the Node.js process metrics included), for scraping. Needs no API key.",
    responses: {
      '200': {
        description: 'Metrics in the Prometheus text exposition format',
        content: {
          'text/plain': {
            schema: {
              type: 'string',
              example:
                '# HELP postback_outbox_pending Outbox records not yet published to Kafka\n# TYPE postback_outbox_pending gauge\n' +
                'postback_outbox_pending{service="config-service"} 0\n',
            },
          },
        },
      },
    },
  },
};

/** Adds summary, description and typed responses to the observability endpoints of the document. */
export function documentObservabilityEndpoints(document: OpenAPIObject): OpenAPIObject {
  for (const [path, docs] of Object.entries(OPERATIONS)) {
    const operation = document.paths[path]?.get;
    if (operation) Object.assign(operation, docs);
  }
  return document;
}
