import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { RequestContext } from './request-context';

/** Gives every request an id (kept from X-Request-Id when sent), echoes it, and logs one line per request. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  use(req: Request & { id?: string }, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.path.startsWith('/health') || req.path === '/metrics') return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.logger.info({ requestId: id, method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(ms * 10) / 10 }, 'http request');
    });
    RequestContext.run(id, next);
  }
}
