import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { PageInfoDto } from './pagination.dto';

export class FieldErrorDto {
  @ApiProperty({ example: 'url' }) field!: string;
  @ApiProperty({ example: 'url must be an absolute http or https URL' }) message!: string;
  @ApiPropertyOptional({ description: 'Template errors: line in the body (1-based)', example: 3 }) line?: number;
  @ApiPropertyOptional({ description: 'Template errors: column', example: 7 }) column?: number;
}

/** The one error body of the API. */
export class ApiErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable error code' }) code!: string;
  @ApiProperty({ example: 'the request is invalid' }) message!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    description: 'Extra facts, e.g. the raw output of a template whose output is not valid JSON',
    additionalProperties: true,
    example: { errorCode: 'OUTPUT_NOT_JSON', output: '{"order": ord_7Q2M9K4XHB}' },
  })
  details?: Record<string, unknown>;
  @ApiProperty({ example: '0b6c5d7e-4f2a-4b7e-9a51-1f3c2d9e8a10', description: 'Also in the X-Request-Id response header' }) requestId!: string;
}

/** Authentication and the error responses every endpoint can give, with the one error body. */
export function ApiStandardErrors(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiSecurity('api-key'),
    ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid input, with an error per field' }),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No API key, or not a valid one' }),
    ApiForbiddenResponse({ type: ApiErrorDto, description: 'The key lacks the scope (read-only keys cannot change anything)' }),
    ApiNotFoundResponse({ type: ApiErrorDto, description: 'Unknown id' }),
    ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The database is unavailable' }),
  );
}

/** 409: the request conflicts with the current state; `description` says when, for this operation. */
export function ApiConflict(description: string): MethodDecorator {
  return ApiConflictResponse({ type: ApiErrorDto, description });
}

/** 422: a template that does not compile or render; `description` says which, for this operation. */
export function ApiInvalidTemplate(description: string): MethodDecorator {
  return ApiUnprocessableEntityResponse({ type: ApiErrorDto, description });
}

/**
 * 200 with one page of a list: `{ items: ItemDto[], total, limit, offset }`, typed in the document
 * (and so in the console's generated client) as `PageInfoDto & { items: ItemDto[] }`.
 */
export function ApiPageResponse(item: Type<unknown>, description: string): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(PageInfoDto, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageInfoDto) },
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', description: 'This page, in the list order', items: { $ref: getSchemaPath(item) } } },
          },
        ],
      },
    }),
  );
}

/** The path parameters of the API, each with its description and an example of its real shape (see ids.ts). */
const PATH_PARAMETERS = {
  customerId: {
    description: 'Customer id: the id the order platform puts in order events as `customerId` (chosen at creation, or generated)',
    example: 'cus_nordic_apparel',
  },
  templateId: { description: 'Template id', example: 'tpl_8f3k2m9x1c4v7b6n5q0z' },
  triggerId: { description: 'Trigger id', example: 'trg_2m9x1c4v7b6n5q0z8f3k' },
  deliveryId: { description: 'Delivery id: one event through one trigger, sent as the `webhook-id` header', example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' },
  keyId: { description: 'API key id (not the key itself)', example: 'key_4f8k2m9x1c4v7b6n5q0z' },
  replayId: { description: 'Bulk replay id', example: 'rpl_3k9x1c4v7b6n5q0z8f2m' },
  backfillId: { description: 'Backfill id', example: 'bf_3k9x1c4v7b6n5q0z8f2m' },
  version: { description: 'Template version number, from 1', example: 2, type: 'integer' },
  number: { description: 'Trigger revision number, from 1', example: 3, type: 'integer' },
  fixtureId: { description: 'Fixture id', example: 'fix_3k9x1c4v7b6n5q0z8f2m' },
} satisfies Record<string, { description: string; example: string | number; type?: string }>;

export type PathParameterName = keyof typeof PATH_PARAMETERS;

/** `@ApiParam` with the description and example of each named path parameter, e.g. `@ApiPathParams('customerId', 'triggerId')`. */
export function ApiPathParams(...names: PathParameterName[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...names.map((name) => ApiParam({ name, type: String, ...PATH_PARAMETERS[name] })));
}

/** Any JSON value (a template's default or constant, an example value), typed `unknown`-like in the generated client. */
export const ANY_JSON_VALUE: Pick<SchemaObject, 'oneOf' | 'nullable'> = {
  nullable: true,
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object', additionalProperties: true }, { type: 'array', items: {} }],
};
