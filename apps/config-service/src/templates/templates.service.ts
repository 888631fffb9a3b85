import { Injectable } from '@nestjs/common';
import { HTTP_TEMPLATE_FORMATS, OrderEventType, TemplateFormat } from '@postback/contracts';
import { compileMapping, MAPPING_FORMATS, MappingError, MappingFormat, MappingRule, TemplateError, TemplateRenderer } from '@postback/templating';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConfigPublisher } from '../config-topic/config-publisher';
import { ConflictError, InvalidInputError, InvalidTemplateError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { CustomerEntity } from '../customers/customer.entity';
import { TriggerRevisionEntity } from '../triggers/trigger-revision.entity';
import { TriggerEntity } from '../triggers/trigger.entity';
import { TemplateEntity, TemplateVersionEntity } from './template.entity';
import { findPage } from '../common/page-queries';

export interface TemplateInput {
  customerId?: string;
  name: string;
  description?: string;
  format?: TemplateFormat;
  eventTypes?: OrderEventType[];
  /** The Eta body; when omitted, compiled from `mapping`. */
  body?: string;
  mapping?: MappingRule[];
  sampleInput?: Record<string, unknown>;
}

export interface TemplateWithVersion {
  template: TemplateEntity;
  version: TemplateVersionEntity;
}

const MAX_SAMPLE_INPUT_BYTES = 60 * 1024;

/**
 * Templates in the Templates section (global) or under a customer. Every change of the body, the
 * mapping or the sample input makes a new immutable version; triggers follow the latest version
 * unless they pin one; an older version can be restored (copied as the newest).
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: DataSource,
    private readonly renderer: TemplateRenderer,
    private readonly publisher: ConfigPublisher,
    private readonly audit: AuditService,
  ) {}

  async create(input: TemplateInput): Promise<TemplateWithVersion> {
    const id = await this.db.transaction((m) => this.createIn(m, input));
    return this.get(id);
  }

  /** Creates a template inside the caller's transaction (also used for a trigger's inline template). */
  async createIn(m: EntityManager, input: TemplateInput): Promise<string> {
    const format = input.format ?? 'json';
    const body = this.bodyOf(input.body, input.mapping, format);
    checkSampleInput(input.sampleInput);
    if (input.customerId && !(await m.existsBy(CustomerEntity, { id: input.customerId }))) throw new NotFoundError('customer', input.customerId);
    const id = newId('tpl');
    await m.insert(TemplateEntity, {
      id,
      customerId: input.customerId ?? null,
      name: input.name,
      description: input.description ?? null,
      format,
      eventTypes: input.eventTypes ?? [],
      latestVersion: 1,
    });
    await m.save(versionRow(id, 1, body, input.mapping ?? null, input.sampleInput ?? null));
    await this.audit.record(m, 'template.create', 'template', id, { name: input.name, customerId: input.customerId ?? null, version: 1 });
    return id;
  }

  /** `customerId`: when given, the template must belong to that customer (the customer profile's view). */
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
    if (query.scope !== undefined && query.scope !== 'global' && !(await this.db.manager.existsBy(CustomerEntity, { id: query.scope }))) {
      throw new NotFoundError('customer', query.scope);
    }
    return findPage(this.db.manager, TemplateEntity, where, { createdAt: 'DESC', id: 'ASC' }, query);
  }

  /** A body, mapping or sample change makes a new version; the triggers that follow the latest get it. */
  /** `mapping: null` keeps the body and drops its rules (the body was edited by hand). */
  async update(
    id: string,
    input: Partial<Omit<TemplateInput, 'customerId' | 'mapping'>> & { mapping?: MappingRule[] | null },
    customerId?: string,
  ): Promise<TemplateWithVersion> {
    await this.db.transaction(async (m) => {
      const template = await this.lock(m, id, customerId);
      const current = await m.findOneByOrFail(TemplateVersionEntity, { templateId: id, version: template.latestVersion });
      const format = input.format ?? template.format;
      if (
        !HTTP_TEMPLATE_FORMATS.includes(format) &&
        HTTP_TEMPLATE_FORMATS.includes(template.format) &&
        (await m.countBy(TriggerEntity, { templateId: id, channel: 'http' })) > 0
      ) {
        throw new ConflictError(
          `template "${id}" is used by URL triggers, which send ${HTTP_TEMPLATE_FORMATS.join(', ')}: it must stay a template of one of those formats`,
        );
      }
      const mapping = input.mapping !== undefined ? input.mapping : current.mapping;
      // New rules without a new body: the body is compiled from the rules.
      const body = input.body !== undefined ? input.body : input.mapping ? this.bodyOf(undefined, input.mapping, format) : current.body;
      if (input.body !== undefined || input.format !== undefined) this.bodyOf(body, undefined, format);
      checkSampleInput(input.sampleInput);
      const sampleInput = input.sampleInput !== undefined ? input.sampleInput : current.sampleInput;
      const changed =
        body !== current.body ||
        JSON.stringify(mapping) !== JSON.stringify(current.mapping) ||
        JSON.stringify(sampleInput) !== JSON.stringify(current.sampleInput);
      const latestVersion = changed ? template.latestVersion + 1 : template.latestVersion;
      if (changed) await m.save(versionRow(id, latestVersion, body, mapping ?? null, sampleInput ?? null));
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
      await this.audit.record(m, 'template.update', 'template', id, { changed: Object.keys(input), version: latestVersion });
      if (body !== current.body || format !== template.format) await this.publisher.publishTriggersOfTemplate(m, id);
    });
    this.publisher.flush();
    return this.get(id);
  }

  /** Rollback by copy: the given version's body, mapping and sample become the newest version. */
  async restoreVersion(id: string, version: number, customerId?: string): Promise<TemplateWithVersion> {
    await this.db.transaction(async (m) => {
      const template = await this.lock(m, id, customerId);
      const old = await m.findOneBy(TemplateVersionEntity, { templateId: id, version });
      if (!old) throw new NotFoundError('template version', `${id}@${version}`);
      const latestVersion = template.latestVersion + 1;
      await m.save(versionRow(id, latestVersion, old.body, old.mapping, old.sampleInput));
      await m.update(TemplateEntity, { id }, { latestVersion });
      await this.audit.record(m, 'template.restore', 'template', id, { from: version, version: latestVersion });
      await this.publisher.publishTriggersOfTemplate(m, id);
    });
    this.publisher.flush();
    return this.get(id);
  }

  /** Refused while a trigger uses the template. */
  async delete(id: string, customerId?: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.lock(m, id, customerId);
      const users = await m.countBy(TriggerEntity, { templateId: id });
      if (users > 0) throw new ConflictError(`template "${id}" is used by ${users} trigger(s); point them at another template first`);
      // A trigger whose draft moved to another template still sends live events with this one.
      const live = await m
        .createQueryBuilder(TriggerEntity, 't')
        .innerJoin(TriggerRevisionEntity, 'r', 'r.trigger_id = t.id AND r.number = t.live_revision')
        .where('r.config LIKE :used', { used: `%"templateId":"${id}"%` })
        .getCount();
      if (live > 0) throw new ConflictError(`template "${id}" is what ${live} trigger(s) send live; activate their changes first`);
      await m.delete(TemplateEntity, { id });
      await this.audit.record(m, 'template.delete', 'template', id);
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

  /** The body to store: the given one (checked) or the one compiled from the mapping rules. */
  bodyOf(body: string | undefined, mapping: MappingRule[] | undefined | null, format: TemplateFormat): string {
    let result = body;
    if (result === undefined) {
      if (!mapping)
        throw new InvalidInputError('a template needs a body or mapping rules', [
          { field: 'body', message: 'give a body, or mapping rules to compile one from' },
        ]);
      if (!isMappingFormat(format))
        throw new InvalidInputError('mapping rules make JSON, XML or form templates', [
          { field: 'mapping', message: `the Template Mapper writes ${MAPPING_FORMATS.join(', ')}; a ${format} template needs a body` },
        ]);
      try {
        result = compileMapping(mapping, format);
      } catch (e) {
        if (e instanceof MappingError)
          throw new InvalidInputError(
            'the mapping rules are invalid',
            e.problems.map((p) => ({ field: `mapping[${p.rule}].${p.field}`, message: p.message })),
          );
        throw e;
      }
    }
    try {
      this.renderer.compile({ body: result, format });
    } catch (e) {
      if (e instanceof TemplateError) {
        throw new InvalidTemplateError(`the template does not compile: ${e.message}`, [{ field: 'body', message: e.reason, line: e.line, column: e.column }]);
      }
      throw e;
    }
    return result;
  }

  private async lock(m: EntityManager, id: string, customerId?: string): Promise<TemplateEntity> {
    const template = await m.findOne(TemplateEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!template || (customerId !== undefined && template.customerId !== customerId)) throw new NotFoundError('template', id);
    return template;
  }
}

function versionRow(
  templateId: string,
  version: number,
  body: string,
  mapping: MappingRule[] | null,
  sampleInput: Record<string, unknown> | null,
): TemplateVersionEntity {
  return Object.assign(new TemplateVersionEntity(), { templateId, version, body, mapping, sampleInput });
}

function checkSampleInput(sample: unknown): void {
  if (sample === undefined || sample === null) return;
  if (Buffer.byteLength(JSON.stringify(sample) ?? '') > MAX_SAMPLE_INPUT_BYTES) {
    throw new InvalidInputError('sampleInput is too large', [{ field: 'sampleInput', message: `must be at most ${MAX_SAMPLE_INPUT_BYTES} bytes of JSON` }]);
  }
}

function isMappingFormat(format: TemplateFormat): format is MappingFormat {
  return (MAPPING_FORMATS as readonly string[]).includes(format);
}
