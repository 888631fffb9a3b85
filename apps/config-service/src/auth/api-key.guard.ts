import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ObservabilityController } from '@postback/observability';
import type { Request } from 'express';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ForbiddenError, UnauthorizedError } from '../common/domain.errors';
import { RequestContext } from '../common/request-context';
import { REQUIRED_SCOPE } from './scopes';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every endpoint needs an API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`), except
 * health and metrics. Read-only keys may only read; API-key management needs an admin key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || context.getClass() === ObservabilityController) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const presented = presentedKey(req);
    if (!presented) throw new UnauthorizedError('an API key is required: send "Authorization: Bearer <key>" or "X-Api-Key: <key>"');
    const actor = await this.keys.authenticate(presented);
    if (!actor) throw new UnauthorizedError('the API key is not valid (unknown or revoked)');
    const required =
      this.reflector.getAllAndOverride<'admin' | 'read' | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ??
      (READ_METHODS.has(req.method) ? 'read' : 'admin');
    const allowed = actor.scopes.includes('admin') || (required === 'read' && actor.scopes.includes('read'));
    if (!allowed) throw new ForbiddenError(`this needs an API key with the "${required}" scope; "${actor.name}" has ${actor.scopes.join(', ') || 'none'}`);
    RequestContext.setActor(actor);
    return true;
  }
}

function presentedKey(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
