import { Injectable } from '@nestjs/common';
import { maskPaths, PersonalDataMask } from '@postback/security';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ForbiddenError } from '../common/domain.errors';
import { RequestContext } from '../common/request-context';
import { ServiceConfig } from '../config/service-config';
import { CustomerEntity } from '../customers/customer.entity';

/**
 * Which parts of a customer's order events are personal data (the customer's `piiPaths`, or
 * PII_PATHS), masking them where people read stored data, and the audited reveal for keys with
 * the `pii:read` scope.
 */
@Injectable()
export class PersonalDataPolicy {
  constructor(
    private readonly db: DataSource,
    private readonly config: ServiceConfig,
    private readonly audit: AuditService,
  ) {}

  async pathsFor(customerId: string): Promise<string[]> {
    const customer = await this.db.manager.findOne(CustomerEntity, { where: { id: customerId }, select: { id: true, piiPaths: true } });
    return customer?.piiPaths ?? this.config.piiPaths;
  }

  async maskEvent<T>(customerId: string, event: T): Promise<T> {
    return maskPaths(event, await this.pathsFor(customerId));
  }

  /** A mask for text derived from this event (bodies, responses, error messages). */
  async maskFor(customerId: string, event: unknown): Promise<PersonalDataMask> {
    return PersonalDataMask.of(event, await this.pathsFor(customerId));
  }

  /** Refuses a key without `pii:read`; records who revealed what, before anything is returned. */
  async reveal(entityId: string, what: string): Promise<void> {
    const actor = RequestContext.actor();
    if (!actor.scopes.includes('pii:read')) {
      throw new ForbiddenError(`revealing personal data needs an API key with the "pii:read" scope; "${actor.name}" has ${actor.scopes.join(', ') || 'none'}`);
    }
    await this.db.transaction((m) => this.audit.record(m, 'delivery.reveal', 'delivery', entityId, { what }));
  }
}
