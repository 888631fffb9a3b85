import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { Actor, RequestContext } from '../common/request-context';
import { ServiceConfig } from '../config/service-config';
import { ApiKeyEntity, ApiKeyScope } from './api-key.entity';

const TOUCH_INTERVAL_MS = 60_000;

/**
 * API keys: created by an admin, shown once, stored as SHA-256 digests, revocable. The bootstrap
 * admin key comes from configuration and is checked without the database.
 */
@Injectable()
export class ApiKeysService {
  private readonly bootstrapDigest: Buffer;

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    config: ServiceConfig,
  ) {
    this.bootstrapDigest = digest(config.adminApiKey);
  }

  /** The actor a presented key stands for, or undefined when it is unknown or revoked. */
  async authenticate(presented: string): Promise<Actor | undefined> {
    const d = digest(presented);
    if (timingSafeEqual(d, this.bootstrapDigest)) return { keyId: 'bootstrap', name: 'bootstrap admin key', scopes: ['admin'] };
    if (!presented.startsWith('pb_')) return undefined;
    const key = await this.db.manager.findOneBy(ApiKeyEntity, { keyHash: d.toString('hex') });
    if (!key || key.revokedAt) return undefined;
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.db.manager.update(ApiKeyEntity, { id: key.id, lastUsedAt: key.lastUsedAt ?? IsNull() }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return { keyId: key.id, name: key.name, scopes: key.scopes };
  }

  async create(name: string, scopes: ApiKeyScope[]): Promise<{ key: ApiKeyEntity; secret: string }> {
    const secret = `pb_${randomBytes(32).toString('base64url')}`;
    const id = newId('key');
    await this.db.transaction(async (m) => {
      await m.insert(ApiKeyEntity, {
        id,
        name,
        scopes: [...new Set(scopes)],
        keyHash: digest(secret).toString('hex'),
        keyPrefix: secret.slice(0, 10),
        createdBy: RequestContext.actor().name,
      });
      await this.audit.record(m, 'api-key.create', 'api-key', id, { name, scopes });
    });
    return { key: await this.get(id), secret };
  }

  async get(id: string): Promise<ApiKeyEntity> {
    const key = await this.db.manager.findOneBy(ApiKeyEntity, { id });
    if (!key) throw new NotFoundError('API key', id);
    return key;
  }

  async list(includeRevoked: boolean): Promise<ApiKeyEntity[]> {
    return this.db.manager.find(ApiKeyEntity, { where: includeRevoked ? {} : { revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async revoke(id: string): Promise<ApiKeyEntity> {
    await this.db.transaction(async (m) => {
      const key = await m.findOneBy(ApiKeyEntity, { id });
      if (!key) throw new NotFoundError('API key', id);
      if (!key.revokedAt) {
        await m.update(ApiKeyEntity, { id }, { revokedAt: new Date() });
        await this.audit.record(m, 'api-key.revoke', 'api-key', id, { name: key.name });
      }
    });
    return this.get(id);
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
