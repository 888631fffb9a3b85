import { Injectable } from '@nestjs/common';
import { OrderEventType } from '@postback/contracts';
import { TemplateError, TemplateRenderer } from '@postback/templating';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ConfigPublisher } from '../config-topic/config-publisher';
import { ConflictError, InvalidInputError, InvalidTemplateError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { CustomerEntity } from '../customers/customer.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { TemplateEntity, TemplateVersionEntity } from './template.entity';

export interface TemplateInput {
  customerId?: string;
  name: string;
  description?: string;
  format?: 'json';
  eventTypes?: OrderEventType[];
  body: string;
  sampleInput?: Record<string, unknown>;
}

export interface TemplateWithVersion {
  template: TemplateEntity;
  version: TemplateVersionEntity;
}

const MAX_SAMPLE_INPUT_BYTES = 60 * 1024;

/** Templates in the Templates section (global) or under a customer, each change a new version. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: DataSource,
    private readonly renderer: TemplateRenderer,
    private readonly publisher: ConfigPublisher,
  ) {}

  async create(input: TemplateInput): Promise<TemplateWithVersion> {
    const format = input.format ?? 'json';
    this.checkBody(input.body, format);
    checkSampleInput(input.sampleInput);
    const id = newId('tpl');
    await this.db.transaction(async (m) => {
      if (input.customerId && !(await m.existsBy(CustomerEntity, { id: input.customerId }))) throw new NotFoundError('customer', input.customerId);
      await m.insert(TemplateEntity, {
        id,
        customerId: input.customerId ?? null,
        name: input.name,
        description: input.description ?? null,
        format,
        eventTypes: input.eventTypes ?? [],
        latestVersion: 1,
      });
      await m.save(versionRow(id, 1, input.body, input.sampleInput ?? null));
    });
    return this.get(id);
  }

  async get(id: string, customerId?: string): Promise<TemplateWithVersion> {
    const template = await this.db.manager.findOneBy(TemplateEntity, { id });
    if (!template || (customerId !== undefined && template.customerId !== customerId)) throw new NotFoundError('template', id);
    const version = await this.db.manager.findOneByOrFail(TemplateVersionEntity, { templateId: id, version: template.latestVersion });
    return { template, version };
  }

  async getVersion(id: string, version: number): Promise<TemplateVersionEntity> {
    const found = await this.db.manager.findOneBy(TemplateVersionEntity, { templateId: id, version });
    if (!found) throw new NotFoundError('template version', `${id}@${version}`);
    return found;
  }

  async listVersions(id: string): Promise<TemplateVersionEntity[]> {
    await this.get(id);
    return this.db.manager.find(TemplateVersionEntity, { where: { templateId: id }, order: { version: 'DESC' } });
  }

  /** `scope`: undefined for all, "global" for the Templates section, or a customer id. */
  async list(query: { scope?: string; limit: number; offset: number }): Promise<Page<TemplateEntity>> {
    const where = query.scope === undefined ? {} : query.scope === 'global' ? { customerId: IsNull() } : { customerId: query.scope };
    const [items, total] = await this.db.manager.findAndCount(TemplateEntity, {
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** A body or sample change makes a new version; the triggers that follow the latest get it. */
  async update(id: string, input: Partial<Omit<TemplateInput, 'customerId'>>): Promise<TemplateWithVersion> {
    await this.db.transaction(async (m) => {
      const template = await m.findOne(TemplateEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!template) throw new NotFoundError('template', id);
      const format = input.format ?? template.format;
      const current = await m.findOneByOrFail(TemplateVersionEntity, { templateId: id, version: template.latestVersion });
      const body = input.body ?? current.body;
      if (input.body !== undefined || input.format !== undefined) this.checkBody(body, format);
      checkSampleInput(input.sampleInput);
      const newVersion =
        body !== current.body || (input.sampleInput !== undefined && JSON.stringify(input.sampleInput) !== JSON.stringify(current.sampleInput));
      const latestVersion = newVersion ? template.latestVersion + 1 : template.latestVersion;
      if (newVersion) {
        await m.save(versionRow(id, latestVersion, body, input.sampleInput ?? current.sampleInput ?? null));
      }
      await m.update(
        TemplateEntity,
        { id },
        {
          name: input.name ?? template.name,
          description: input.description ?? template.description,
          format,
          eventTypes: input.eventTypes ?? template.eventTypes,
          latestVersion,
        },
      );
      if (body !== current.body || format !== template.format) await this.publisher.publishTriggersOfTemplate(m, id);
    });
    this.publisher.flush();
    return this.get(id);
  }

  /** Refused while a trigger uses the template. */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      if (!(await m.existsBy(TemplateEntity, { id }))) throw new NotFoundError('template', id);
      const users = await m.countBy(TriggerEntity, { templateId: id });
      if (users > 0) throw new ConflictError(`template "${id}" is used by ${users} trigger(s); point them at another template first`);
      await m.delete(TemplateEntity, { id });
    });
  }

  /** For triggers: the template must exist and be global or the same customer's. */
  async assertUsableBy(m: EntityManager, templateId: string, customerId: string, version?: number | null): Promise<TemplateEntity> {
    const template = await m.findOneBy(TemplateEntity, { id: templateId });
    if (!template || (template.customerId !== null && template.customerId !== customerId)) {
      throw new InvalidInputError('the template cannot be used', [
        { field: 'templateId', message: `no template "${templateId}" in the Templates section or under customer "${customerId}"` },
      ]);
    }
    if (version !== undefined && version !== null && (version < 1 || version > template.latestVersion)) {
      throw new InvalidInputError('the template version does not exist', [
        { field: 'templateVersion', message: `must be between 1 and ${template.latestVersion}` },
      ]);
    }
    return template;
  }

  private checkBody(body: string, format: 'json'): void {
    try {
      this.renderer.compile({ body, format });
    } catch (e) {
      if (e instanceof TemplateError) {
        throw new InvalidTemplateError(`the template does not compile: ${e.message}`, [{ field: 'body', message: e.reason, line: e.line, column: e.column }]);
      }
      throw e;
    }
  }
}

function versionRow(templateId: string, version: number, body: string, sampleInput: Record<string, unknown> | null): TemplateVersionEntity {
  return Object.assign(new TemplateVersionEntity(), { templateId, version, body, sampleInput });
}

function checkSampleInput(sample: unknown): void {
  if (sample === undefined) return;
  if (Buffer.byteLength(JSON.stringify(sample) ?? '') > MAX_SAMPLE_INPUT_BYTES) {
    throw new InvalidInputError('sampleInput is too large', [{ field: 'sampleInput', message: `must be at most ${MAX_SAMPLE_INPUT_BYTES} bytes of JSON` }]);
  }
}
