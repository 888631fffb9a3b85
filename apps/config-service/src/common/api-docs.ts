import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

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
  @ApiPropertyOptional({ description: 'Extra facts, e.g. the raw output of a template whose output is not valid JSON' }) details?: Record<string, unknown>;
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
