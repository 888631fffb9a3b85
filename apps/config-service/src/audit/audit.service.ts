import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { Page } from '../common/pagination.dto';
import { RequestContext } from '../common/request-context';
import { AuditEntryEntity } from './audit-entry.entity';
import { findPage, timeRange } from '../common/page-queries';

export type AuditedEntity = 'customer' | 'template' | 'trigger' | 'api-key' | 'replay' | 'delivery';

/** Records who changed what, in the transaction of the change, so the record and the change stand or fall together. */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async list(q: { entityType?: string; entityId?: string; from?: string; to?: string; limit: number; offset: number }): Promise<Page<AuditEntryEntity>> {
    const where: FindOptionsWhere<AuditEntryEntity> = {};
    if (q.entityType) where.entityType = q.entityType;
    if (q.entityId) where.entityId = q.entityId;
    const at = timeRange(q.from, q.to);
    if (at) where.at = at;
    return findPage(this.db.manager, AuditEntryEntity, where, { id: 'DESC' }, q);
  }

  async record(m: EntityManager, action: string, entityType: AuditedEntity, entityId: string, details?: Record<string, unknown>): Promise<void> {
    const actor = RequestContext.actor();
    const entry = Object.assign(new AuditEntryEntity(), {
      actorKeyId: actor.keyId,
      actorName: actor.name,
      action,
      entityType,
      entityId,
      details: details ?? null,
    });
    await m.save(entry);
  }
}
