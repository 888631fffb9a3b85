import { Injectable } from '@nestjs/common';
import { DataSource, Like } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { TemplateEntity } from '../templates/template.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { CustomerEntity } from './customer.entity';
import { findPage } from '../common/page-queries';

export interface CustomerInput {
  id?: string;
  name: string;
  externalRef?: string;
  contactEmail?: string;
  retentionDeliveriesDays?: number | null;
  retentionPayloadsDays?: number | null;
  deliveryObjective?: { percent: number; withinSeconds: number; windowMinutes: number } | null;
  piiPaths?: string[] | null;
}

/** The objective's three columns: absent leaves them, null clears them. */
function objectiveColumns(o: CustomerInput['deliveryObjective']): Partial<CustomerEntity> {
  if (o === undefined) return {};
  return { slaPercent: o?.percent ?? null, slaWithinSeconds: o?.withinSeconds ?? null, slaWindowMinutes: o?.windowMinutes ?? null };
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(input: CustomerInput): Promise<CustomerEntity> {
    const id = input.id ?? newId('cus');
    return this.db.transaction(async (m) => {
      if (await m.existsBy(CustomerEntity, { id })) throw new ConflictError(`customer "${id}" already exists`, [{ field: 'id', message: 'is taken' }]);
      if (input.externalRef && (await m.existsBy(CustomerEntity, { externalRef: input.externalRef }))) {
        throw new ConflictError(`another customer has external reference "${input.externalRef}"`, [{ field: 'externalRef', message: 'is taken' }]);
      }
      await m.insert(CustomerEntity, {
        id,
        name: input.name,
        externalRef: input.externalRef ?? null,
        contactEmail: input.contactEmail ?? null,
        retentionDeliveriesDays: input.retentionDeliveriesDays ?? null,
        retentionPayloadsDays: input.retentionPayloadsDays ?? null,
        ...objectiveColumns(input.deliveryObjective),
        piiPaths: input.piiPaths ?? null,
      });
      await this.audit.record(m, 'customer.create', 'customer', id, { name: input.name });
      return m.findOneByOrFail(CustomerEntity, { id });
    });
  }

  async get(id: string): Promise<CustomerEntity> {
    const found = await this.db.manager.findOneBy(CustomerEntity, { id });
    if (!found) throw new NotFoundError('customer', id);
    return found;
  }

  async list(query: { q?: string; limit: number; offset: number }): Promise<Page<CustomerEntity>> {
    const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const where = pattern ? [{ id: Like(pattern) }, { name: Like(pattern) }, { externalRef: Like(pattern) }] : {};
    return findPage(this.db.manager, CustomerEntity, where, { createdAt: 'DESC', id: 'ASC' }, query);
  }

  async update(id: string, input: Partial<Omit<CustomerInput, 'id'>>): Promise<CustomerEntity> {
    return this.db.transaction(async (m) => {
      const current = await m.findOne(CustomerEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('customer', id);
      if (input.externalRef && input.externalRef !== current.externalRef && (await m.existsBy(CustomerEntity, { externalRef: input.externalRef }))) {
        throw new ConflictError(`another customer has external reference "${input.externalRef}"`, [{ field: 'externalRef', message: 'is taken' }]);
      }
      const { deliveryObjective, ...columns } = input;
      await m.update(CustomerEntity, { id }, { ...columns, ...objectiveColumns(deliveryObjective), revision: current.revision + 1 });
      await this.audit.record(m, 'customer.update', 'customer', id, { changed: Object.keys(input) });
      return m.findOneByOrFail(CustomerEntity, { id });
    });
  }

  /** Refused while the customer has triggers or templates: delete those first (nothing cascades silently). */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      if (!(await m.existsBy(CustomerEntity, { id }))) throw new NotFoundError('customer', id);
      const triggers = await m.countBy(TriggerEntity, { customerId: id });
      const templates = await m.countBy(TemplateEntity, { customerId: id });
      if (triggers + templates > 0) {
        throw new ConflictError(`customer "${id}" still has ${triggers} trigger(s) and ${templates} template(s); delete them first`);
      }
      await m.delete(CustomerEntity, { id });
      await this.audit.record(m, 'customer.delete', 'customer', id);
    });
  }
}
