import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldError } from './domain.errors';

const STATUS_BY_CODE: Record<string, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  INVALID_TEMPLATE: HttpStatus.UNPROCESSABLE_ENTITY,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
};

/** The one error body of the API. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  requestId: string;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ER_CON_COUNT_ERROR']);

/** Maps every error to the uniform body: domain codes to statuses, no internals on a 500. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const requestId = String(req.id ?? req.headers['x-request-id'] ?? '');
    const body = this.toBody(exception, requestId);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId, method: req.method, path: req.path }, 'request failed');
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ApiErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_BY_CODE[exception.code] ?? 500;
      return {
        statusCode,
        code: exception.code,
        message: exception.message,
        ...(exception.errors.length ? { errors: exception.errors } : {}),
        ...(exception.details ? { details: exception.details } : {}),
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return {
        statusCode,
        code: HttpStatus[statusCode] ?? 'HTTP_ERROR',
        message: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : JSON.stringify(message),
        requestId,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: 'the database is unavailable; try again shortly', requestId };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'internal error', requestId };
  }
}

function isDatabaseUnavailable(e: unknown): boolean {
  const err = (e instanceof QueryFailedError ? e.driverError : e) as { code?: string; fatal?: boolean } | undefined;
  return !!err && ((err.code !== undefined && CONNECTION_ERRORS.has(err.code)) || err.fatal === true);
}
