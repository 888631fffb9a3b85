import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ObservabilityController } from '@postback/observability';
import type { Request } from 'express';
import { UnauthorizedError } from '../common/domain.errors';
import { ApiKeyService } from './api-key.service';

/**
 * Every endpoint needs an API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`),
 * except health and metrics.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || context.getClass() === ObservabilityController) return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: unknown }>();
    const presented = presentedKey(req);
    if (!presented) throw new UnauthorizedError('an API key is required: send "Authorization: Bearer <key>" or "X-Api-Key: <key>"');
    const principal = this.keys.authenticate(presented);
    if (!principal) throw new UnauthorizedError('the API key is not valid');
    req.principal = principal;
    return true;
  }
}

function presentedKey(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
