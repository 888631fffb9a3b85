import { Injectable } from '@nestjs/common';
import { OrderEventType, TriggerStatus } from '@postback/contracts';
import { DestinationRefusedError, generateSigningSecret, SecretBox, SsrfGuard } from '@postback/security';
import { DataSource, EntityManager } from 'typeorm';
import { ConfigPublisher } from '../config-topic/config-publisher';
import { InvalidInputError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { ServiceConfig } from '../config/service-config';
import { CustomerEntity } from '../customers/customer.entity';
import { TemplatesService } from '../templates/templates.service';
import { TriggerEntity } from './trigger.entity';

export interface TriggerInput {
  name: string;
  eventTypes: OrderEventType[];
  channel?: 'http';
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  format?: 'json';
  headers?: Record<string, string>;
  retryOnFailure?: boolean;
  maxAttempts?: number;
  timeoutMs?: number;
  templateId: string;
  templateVersion?: number | null;
  status?: TriggerStatus;
}

/** Triggers under a customer. Every change is published to the config topic in the same transaction. */
@Injectable()
export class TriggersService {
  constructor(
    private readonly db: DataSource,
    private readonly templates: TemplatesService,
    private readonly publisher: ConfigPublisher,
    private readonly secrets: SecretBox,
    private readonly ssrf: SsrfGuard,
    private readonly config: ServiceConfig,
  ) {}

  async create(customerId: string, input: TriggerInput): Promise<{ trigger: TriggerEntity; signingSecret: string }> {
    await this.checkDestination(input.url);
    const id = newId('trg');
    const signingSecret = generateSigningSecret();
    await this.db.transaction(async (m) => {
      await this.assertCustomer(m, customerId);
      await this.templates.assertUsableBy(m, input.templateId, customerId, input.templateVersion);
      await m.insert(TriggerEntity, {
        id,
        customerId,
        name: input.name,
        eventTypes: dedupe(input.eventTypes),
        channel: input.channel ?? 'http',
        url: input.url,
        method: input.method ?? 'POST',
        format: input.format ?? 'json',
        headers: input.headers ?? {},
        retryEnabled: input.retryOnFailure ?? true,
        maxAttempts: input.maxAttempts ?? this.config.triggerDefaults.maxAttempts,
        timeoutMs: input.timeoutMs ?? this.config.triggerDefaults.timeoutMs,
        templateId: input.templateId,
        templateVersion: input.templateVersion ?? null,
        status: input.status ?? 'draft',
        secretSealed: this.secrets.seal(signingSecret),
        revision: 0,
      });
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return { trigger: await this.get(customerId, id), signingSecret };
  }

  async get(customerId: string, id: string): Promise<TriggerEntity> {
    const found = await this.db.manager.findOneBy(TriggerEntity, { id, customerId });
    if (!found) {
      await this.assertCustomer(this.db.manager, customerId);
      throw new NotFoundError('trigger', id);
    }
    return found;
  }

  async list(customerId: string): Promise<TriggerEntity[]> {
    await this.assertCustomer(this.db.manager, customerId);
    return this.db.manager.find(TriggerEntity, { where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async update(customerId: string, id: string, input: Partial<TriggerInput>): Promise<TriggerEntity> {
    if (input.url !== undefined) await this.checkDestination(input.url);
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      const templateId = input.templateId ?? current.templateId;
      const templateVersion = input.templateVersion !== undefined ? input.templateVersion : input.templateId !== undefined ? null : current.templateVersion;
      if (input.templateId !== undefined || input.templateVersion !== undefined)
        await this.templates.assertUsableBy(m, templateId, customerId, templateVersion);
      await m.update(
        TriggerEntity,
        { id },
        {
          name: input.name,
          eventTypes: input.eventTypes ? dedupe(input.eventTypes) : undefined,
          url: input.url,
          method: input.method,
          format: input.format,
          headers: input.headers,
          retryEnabled: input.retryOnFailure,
          maxAttempts: input.maxAttempts,
          timeoutMs: input.timeoutMs,
          templateId,
          templateVersion,
          status: input.status,
        },
      );
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return this.get(customerId, id);
  }

  async setStatus(customerId: string, id: string, status: TriggerStatus): Promise<TriggerEntity> {
    return this.update(customerId, id, { status });
  }

  /** New secret now; the old one keeps signing (both signatures sent) for `graceSeconds`. */
  async rotateSecret(customerId: string, id: string, graceSeconds: number): Promise<{ trigger: TriggerEntity; signingSecret: string }> {
    const signingSecret = generateSigningSecret();
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      await m.update(
        TriggerEntity,
        { id },
        {
          secretSealed: this.secrets.seal(signingSecret),
          previousSecretSealed: graceSeconds > 0 ? current.secretSealed : null,
          previousSecretExpiresAt: graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null,
        },
      );
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return { trigger: await this.get(customerId, id), signingSecret };
  }

  async revealSecret(customerId: string, id: string): Promise<string> {
    return this.secrets.open((await this.get(customerId, id)).secretSealed);
  }

  async delete(customerId: string, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.lockTrigger(m, customerId, id);
      await m.delete(TriggerEntity, { id });
      await this.publisher.publishTriggerDeleted(m, id);
    });
    this.publisher.flush();
  }

  private async lockTrigger(m: EntityManager, customerId: string, id: string): Promise<TriggerEntity> {
    const found = await m.findOne(TriggerEntity, { where: { id, customerId }, lock: { mode: 'pessimistic_write' } });
    if (!found) {
      await this.assertCustomer(m, customerId);
      throw new NotFoundError('trigger', id);
    }
    return found;
  }

  private async assertCustomer(m: EntityManager, customerId: string): Promise<void> {
    if (!(await m.existsBy(CustomerEntity, { id: customerId }))) throw new NotFoundError('customer', customerId);
  }

  /** SSRF: scheme and literal addresses always; names that resolve to a refused address too. */
  private async checkDestination(url: string): Promise<void> {
    try {
      const parsed = this.ssrf.assertUrl(url);
      await this.ssrf.assertResolvable(parsed.hostname.replace(/^\[|\]$/g, '')).catch((e: unknown) => {
        if (e instanceof DestinationRefusedError) throw e;
        // A name that does not resolve yet is accepted; the check runs again at send time.
      });
    } catch (e) {
      if (e instanceof DestinationRefusedError) throw new InvalidInputError('the destination URL is not allowed', [{ field: 'url', message: e.message }]);
      throw e;
    }
  }
}

function dedupe<T>(values: T[]): T[] {
  return [...new Set(values)];
}
