import { Injectable } from '@nestjs/common';
import { And, DataSource, EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual } from 'typeorm';
import { Page } from '../common/pagination.dto';
import { RequestContext } from '../common/request-context';
import { AuditEntryEntity } from './audit-entry.entity';

export type AuditedEntity = 'customer' | 'template' | 'trigger' | 'api-key';

/** Records who changed what, in the transaction of the change, so the record and the change stand or fall together. */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async list(q: { entityType?: string; entityId?: string; from?: string; to?: string; limit: number; offset: number }): Promise<Page<AuditEntryEntity>> {
    const where: FindOptionsWhere<AuditEntryEntity> = {};
    if (q.entityType) where.entityType = q.entityType;
    if (q.entityId) where.entityId = q.entityId;
    if (q.from && q.to) where.at = And(MoreThanOrEqual(new Date(q.from)), LessThan(new Date(q.to)));
    else if (q.from) where.at = MoreThanOrEqual(new Date(q.from));
    else if (q.to) where.at = LessThan(new Date(q.to));
    const [items, total] = await this.db.manager.findAndCount(AuditEntryEntity, { where, order: { id: 'DESC' }, take: q.limit, skip: q.offset });
    return { items, total, limit: q.limit, offset: q.offset };
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
