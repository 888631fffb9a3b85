import { Injectable } from '@nestjs/common';
import { DeliveryChannel, EmailConfig, HTTP_TEMPLATE_FORMATS, OrderEventType, OrderingMode, OutOfOrderPolicy, TriggerStatus } from '@postback/contracts';
import { DestinationRefusedError, generateSigningSecret, SecretBox, SsrfGuard } from '@postback/security';
import { OutputSchemas, TemplateError, TemplateRenderer } from '@postback/templating';
import { DataSource, EntityManager, FindOptionsWhere, IsNull, LessThan, Like, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConfigPublisher } from '../config-topic/config-publisher';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain.errors';
import { newId } from '../common/ids';
import { Page } from '../common/pagination.dto';
import { ServiceConfig } from '../config/service-config';
import { CustomerEntity } from '../customers/customer.entity';
import { TemplateEntity } from '../templates/template.entity';
import { TemplateInput, TemplatesService } from '../templates/templates.service';
import { RequestContext } from '../common/request-context';
import { triggerConfigHash } from './trigger-config-hash';
import { TriggerRevisionEntity } from './trigger-revision.entity';
import { ConfigChange, columnsOf, configOf, diffConfigs } from './trigger-revisions';
import { TriggerEntity } from './trigger.entity';
import { findPage } from '../common/page-queries';

export interface TriggerInput {
  name: string;
  eventTypes: OrderEventType[];
  channel?: DeliveryChannel;
  url?: string;
  email?: EmailConfig;
  method?: 'POST' | 'PUT' | 'PATCH';
  format?: 'json';
  headers?: Record<string, string>;
  retryOnFailure?: boolean;
  maxAttempts?: number;
  timeoutMs?: number;
  ordering?: OrderingMode;
  orderingMaxWaitSeconds?: number;
  orderingMaxQueued?: number;
  outOfOrder?: OutOfOrderPolicy;
  templateId?: string;
  /** A template to create under the customer in the same transaction, instead of `templateId`. */
  template?: Omit<TemplateInput, 'customerId'>;
  templateVersion?: number | null;
  outputSchema?: object | null;
}

/** A trigger with the fingerprint of its current configuration (for "tested?"). */
export interface TriggerView {
  trigger: TriggerEntity;
  configHash: string;
  /** A test-fire of exactly this configuration passed (now or for an earlier revision). */
  tested: boolean;
  /** The trigger is live and has changes (or a newer template version) waiting for a test and activation. */
  pendingChanges: boolean;
  /** The template's newest version. */
  latestTemplateVersion: number;
}

/** A revision as the API lists it: its settings and what changed from the one before. */
export interface RevisionView {
  revision: TriggerRevisionEntity;
  changes: ConfigChange[];
  live: boolean;
  draft: boolean;
}

/**
 * Triggers under a customer: draft → active ⇄ paused. Every change makes a new revision, published
 * to the config topic and recorded in the audit log in the transaction of the change. A live
 * trigger goes on sending its live revision; the newest waits as a draft until it passes a
 * test-fire and is activated (or is activated with `force`, audited).
 */
@Injectable()
export class TriggersService {
  private readonly schemas = new OutputSchemas(50);

  constructor(
    private readonly db: DataSource,
    private readonly templates: TemplatesService,
    private readonly publisher: ConfigPublisher,
    private readonly secrets: SecretBox,
    private readonly ssrf: SsrfGuard,
    private readonly renderer: TemplateRenderer,
    private readonly audit: AuditService,
    private readonly config: ServiceConfig,
  ) {}

  async create(customerId: string, input: TriggerInput): Promise<TriggerView & { signingSecret: string }> {
    const channel = input.channel ?? 'http';
    checkNotNull(input);
    await this.checkChannel(channel, input.url, input.email);
    this.checkSchema(input.outputSchema);
    if ((input.templateId === undefined) === (input.template === undefined)) {
      throw new InvalidInputError('give templateId or template', [
        { field: 'templateId', message: 'exactly one of templateId (an existing template) or template (a new one) is needed' },
      ]);
    }
    const id = newId('trg');
    const signingSecret = generateSigningSecret();
    await this.db.transaction(async (m) => {
      await this.assertCustomer(m, customerId);
      const templateId = input.template ? await this.templates.createIn(m, { ...input.template, customerId }) : (input.templateId as string);
      checkFormat(channel, await this.templates.assertUsableBy(m, templateId, customerId, input.templateVersion));
      await m.insert(TriggerEntity, {
        id,
        customerId,
        name: input.name,
        eventTypes: dedupe(input.eventTypes),
        channel,
        url: channel === 'http' ? (input.url ?? null) : null,
        email: channel === 'email' ? (input.email ?? null) : null,
        method: input.method ?? 'POST',
        format: input.format ?? 'json',
        headers: input.headers ?? {},
        retryEnabled: input.retryOnFailure ?? true,
        maxAttempts: input.maxAttempts ?? this.config.triggerDefaults.maxAttempts,
        timeoutMs: input.timeoutMs ?? this.config.triggerDefaults.timeoutMs,
        ordering: input.ordering ?? 'none',
        orderingMaxWaitSeconds: input.orderingMaxWaitSeconds ?? 3600,
        orderingMaxQueued: input.orderingMaxQueued ?? 50,
        outOfOrder: input.outOfOrder ?? 'deliver',
        templateId,
        templateVersion: input.templateVersion ?? null,
        outputSchema: input.outputSchema ?? null,
        status: 'draft',
        secretSealed: this.secrets.seal(signingSecret),
        revision: 0,
      });
      await this.recordRevision(m, id, 'created');
      await this.audit.record(m, 'trigger.create', 'trigger', id, { customerId, name: input.name, channel, templateId });
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return { ...(await this.get(customerId, id)), signingSecret };
  }

  async get(customerId: string, id: string): Promise<TriggerView> {
    const found = await this.db.manager.findOneBy(TriggerEntity, { id, customerId });
    if (!found) {
      await this.assertCustomer(this.db.manager, customerId);
      throw new NotFoundError('trigger', id);
    }
    return this.view(this.db.manager, found);
  }

  async list(customerId: string, q: { status?: TriggerStatus; eventType?: OrderEventType; limit: number; offset: number }): Promise<Page<TriggerView>> {
    await this.assertCustomer(this.db.manager, customerId);
    const where: FindOptionsWhere<TriggerEntity> = { customerId };
    if (q.status) where.status = q.status;
    // event_types is JSON text (simple-json): the quoted type is a safe substring match.
    if (q.eventType) where.eventTypes = Like(`%"${q.eventType}"%`) as unknown as FindOptionsWhere<TriggerEntity>['eventTypes'];
    const page = await findPage(this.db.manager, TriggerEntity, where, { createdAt: 'ASC', id: 'ASC' }, q);
    return { ...page, items: await Promise.all(page.items.map((t) => this.view(this.db.manager, t))) };
  }

  async update(customerId: string, id: string, input: Partial<Omit<TriggerInput, 'channel' | 'template'>>): Promise<TriggerView> {
    checkNotNull(input);
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      this.checkSchema(input.outputSchema);
      if (input.url !== undefined || input.email !== undefined) {
        await this.checkChannel(current.channel, input.url ?? current.url ?? undefined, input.email ?? current.email ?? undefined);
      }
      if (current.channel === 'email' && input.url !== undefined)
        throw new InvalidInputError('an email trigger has no URL', [{ field: 'url', message: 'not used by the email method' }]);
      if (current.channel === 'http' && input.email !== undefined)
        throw new InvalidInputError('a URL trigger has no email settings', [{ field: 'email', message: 'not used by the URL method' }]);
      const templateId = input.templateId ?? current.templateId;
      const templateVersion = input.templateVersion !== undefined ? input.templateVersion : input.templateId !== undefined ? null : current.templateVersion;
      if (input.templateId !== undefined || input.templateVersion !== undefined) {
        checkFormat(current.channel, await this.templates.assertUsableBy(m, templateId, customerId, templateVersion));
      }
      await m.update(
        TriggerEntity,
        { id },
        {
          name: input.name,
          eventTypes: input.eventTypes ? dedupe(input.eventTypes) : undefined,
          url: input.url,
          email: input.email,
          method: input.method,
          format: input.format,
          headers: input.headers,
          retryEnabled: input.retryOnFailure,
          maxAttempts: input.maxAttempts,
          timeoutMs: input.timeoutMs,
          ordering: input.ordering,
          orderingMaxWaitSeconds: input.orderingMaxWaitSeconds,
          orderingMaxQueued: input.orderingMaxQueued,
          outOfOrder: input.outOfOrder,
          templateId,
          templateVersion,
          outputSchema: input.outputSchema,
        },
      );
      const revision = await this.recordRevision(m, id, 'updated');
      await this.audit.record(m, 'trigger.update', 'trigger', id, { changed: Object.keys(input), revision });
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return this.get(customerId, id);
  }

  /**
   * Makes the trigger active with its newest revision live: needs a passed test of that revision's
   * configuration, or `force` (audited with its reason). A live trigger without changes waiting
   * stays as it is; one whose template has a newer version moves to it as a new revision.
   */
  async activate(customerId: string, id: string, options: { force?: boolean; reason?: string }): Promise<TriggerView> {
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      if (await this.activateIn(m, current, options)) await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return this.get(customerId, id);
  }

  /** Activation inside a transaction holding the trigger's lock; false when nothing changed. */
  private async activateIn(m: EntityManager, current: TriggerEntity, options: { force?: boolean; reason?: string }): Promise<boolean> {
    const view = await this.view(m, current);
    const effectiveVersion = current.templateVersion ?? view.latestTemplateVersion;
    if (current.status === 'active' && !view.pendingChanges && current.liveRevision !== null) return false;
    if (!view.tested && !options.force) {
      throw new ConflictError('the trigger has not passed a test of its current configuration: run POST …/test first, or activate with "force": true', [
        {
          field: 'force',
          message: current.lastTestOutcome ? `the last test (${current.lastTestOutcome}) was of another configuration or failed` : 'no test yet',
        },
      ]);
    }
    let number = current.draftRevision;
    if (number === null && current.liveRevision !== null && effectiveVersion !== current.liveTemplateVersion) {
      number = await this.recordRevision(m, current.id, `template version ${effectiveVersion}`, true);
    }
    const actor = RequestContext.actor().name;
    if (number !== null) {
      await m.update(
        TriggerRevisionEntity,
        { triggerId: current.id, number },
        { activatedAt: new Date(), activatedBy: actor, templateVersion: effectiveVersion },
      );
      await m.update(TriggerEntity, { id: current.id }, { liveRevision: number, liveTemplateVersion: effectiveVersion, draftRevision: null });
    }
    await m.update(
      TriggerEntity,
      { id: current.id },
      current.status === 'active' ? { pausedReason: null } : { status: 'active', pausedReason: null, activeSince: new Date() },
    );
    const revision = number ?? current.liveRevision;
    await this.audit.record(
      m,
      view.tested ? 'trigger.activate' : 'trigger.activate.forced',
      'trigger',
      current.id,
      view.tested ? { revision, templateVersion: effectiveVersion } : { revision, templateVersion: effectiveVersion, reason: options.reason ?? null },
    );
    return true;
  }

  /** A trigger's revisions, newest first, each with what changed from the one before. */
  async revisions(customerId: string, id: string, q: { limit: number; offset: number }): Promise<Page<RevisionView>> {
    const { trigger } = await this.get(customerId, id);
    const [rows, total] = await this.db.manager.findAndCount(TriggerRevisionEntity, {
      where: { triggerId: id },
      order: { number: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
    const oldest = rows.at(-1);
    const before = oldest
      ? await this.db.manager.findOne(TriggerRevisionEntity, { where: { triggerId: id, number: LessThan(oldest.number) }, order: { number: 'DESC' } })
      : null;
    const items = rows.map((revision, i) => ({
      revision,
      changes: diffConfigs((rows[i + 1] ?? before ?? undefined)?.config, revision.config),
      live: revision.number === trigger.liveRevision,
      draft: revision.number === trigger.draftRevision,
    }));
    return { items, total, limit: q.limit, offset: q.offset };
  }

  /**
   * Makes an earlier revision the trigger's newest again (a new revision, waiting as a draft), with
   * the template version it went live with. With `activate`, it goes live in the same call when
   * that configuration has passed a test before: a rollback in one call.
   */
  async restore(customerId: string, id: string, number: number, options: { activate?: boolean; force?: boolean; reason?: string }): Promise<TriggerView> {
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      const revision = await m.findOneBy(TriggerRevisionEntity, { triggerId: id, number });
      if (!revision) throw new NotFoundError('revision', `${id}/${number}`);
      const config = { ...revision.config, templateVersion: revision.templateVersion ?? revision.config.templateVersion };
      if (current.channel === 'http' && config.url) await this.checkDestination(config.url);
      checkFormat(current.channel, await this.templates.assertUsableBy(m, config.templateId, customerId, config.templateVersion));
      await m.update(TriggerEntity, { id }, columnsOf(config));
      const created = await this.recordRevision(m, id, `restored from revision ${number}`);
      await this.audit.record(m, 'trigger.restore', 'trigger', id, { from: number, revision: created });
      if (options.activate) await this.activateIn(m, await this.lockTrigger(m, customerId, id), options);
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return this.get(customerId, id);
  }

  async pause(customerId: string, id: string, reason?: string): Promise<TriggerView> {
    await this.db.transaction(async (m) => {
      const current = await this.lockTrigger(m, customerId, id);
      if (current.status === 'paused') return;
      await m.update(TriggerEntity, { id }, { status: 'paused' });
      await this.audit.record(m, 'trigger.pause', 'trigger', id, reason ? { reason } : {});
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return this.get(customerId, id);
  }

  /**
   * The platform pauses a live trigger (its receiver answered 410 Gone, or a failure streak): the
   * reason is shown on the trigger and audited under `action`. False when it was not active.
   */
  async pauseBySystem(id: string, reason: string, action = 'trigger.pause.gone', details: Record<string, unknown> = {}): Promise<boolean> {
    let paused = false;
    await this.db.transaction(async (m) => {
      const current = await m.findOne(TriggerEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current || current.status !== 'active') return;
      await m.update(TriggerEntity, { id }, { status: 'paused', pausedReason: reason.slice(0, 500) });
      await this.audit.record(m, action, 'trigger', id, { reason, ...details });
      await this.publisher.publishTrigger(m, id);
      paused = true;
    });
    if (paused) this.publisher.flush();
    return paused;
  }

  /** New secret now; the old one keeps signing (both signatures sent) for `graceSeconds`. */
  async rotateSecret(customerId: string, id: string, graceSeconds: number): Promise<TriggerView & { signingSecret: string }> {
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
      await this.audit.record(m, 'trigger.rotate-secret', 'trigger', id, { graceSeconds });
      await this.publisher.publishTrigger(m, id);
    });
    this.publisher.flush();
    return { ...(await this.get(customerId, id)), signingSecret };
  }

  async revealSecret(customerId: string, id: string): Promise<string> {
    const { trigger } = await this.get(customerId, id);
    await this.db.transaction((m) => this.audit.record(m, 'trigger.reveal-secret', 'trigger', id));
    return this.secrets.open(trigger.secretSealed);
  }

  async delete(customerId: string, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.lockTrigger(m, customerId, id);
      await m.delete(TriggerEntity, { id });
      await m.delete(TriggerRevisionEntity, { triggerId: id });
      await this.audit.record(m, 'trigger.delete', 'trigger', id);
      await this.publisher.publishTriggerDeleted(m, id);
    });
    this.publisher.flush();
  }

  /** Records a test-fire's outcome; a passed test of `configHash` allows activation. */
  async recordTest(id: string, configHash: string, deliveryId: string, outcome: string, passed: boolean): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.update(
        TriggerEntity,
        { id },
        { lastTestAt: new Date(), lastTestDeliveryId: deliveryId, lastTestOutcome: outcome, ...(passed ? { testedConfigHash: configHash } : {}) },
      );
      if (passed) await m.update(TriggerRevisionEntity, { triggerId: id, configHash, testedAt: IsNull() }, { testedAt: new Date() });
      await this.audit.record(m, 'trigger.test', 'trigger', id, { deliveryId, outcome });
    });
  }

  async view(m: EntityManager, trigger: TriggerEntity): Promise<TriggerView> {
    const template = await m.findOneByOrFail(TemplateEntity, { id: trigger.templateId });
    const effectiveVersion = trigger.templateVersion ?? template.latestVersion;
    const configHash = triggerConfigHash(trigger, effectiveVersion);
    const tested =
      trigger.testedConfigHash === configHash || (await m.existsBy(TriggerRevisionEntity, { triggerId: trigger.id, configHash, testedAt: Not(IsNull()) }));
    const pendingChanges = trigger.liveRevision !== null && (trigger.draftRevision !== null || effectiveVersion !== trigger.liveTemplateVersion);
    return { trigger, configHash, tested, pendingChanges, latestTemplateVersion: template.latestVersion };
  }

  /**
   * Records the trigger's settings as its next revision, waiting as the draft, unless they equal
   * the newest revision's (then nothing changed; `always` records it anyway). Returns its number.
   */
  private async recordRevision(m: EntityManager, id: string, source: string, always = false): Promise<number | null> {
    const trigger = await m.findOneByOrFail(TriggerEntity, { id });
    const config = configOf(trigger);
    if (!always && trigger.latestRevision > 0) {
      const newest = await m.findOneBy(TriggerRevisionEntity, { triggerId: id, number: trigger.latestRevision });
      if (newest && diffConfigs(newest.config, config).length === 0) return null;
    }
    const template = await m.findOneByOrFail(TemplateEntity, { id: trigger.templateId });
    const number = trigger.latestRevision + 1;
    const configHash = triggerConfigHash(trigger, trigger.templateVersion ?? template.latestVersion);
    await m.insert(TriggerRevisionEntity, {
      triggerId: id,
      number,
      config,
      configHash,
      source,
      createdBy: RequestContext.actor().name,
      createdAt: new Date(),
      // Made of a configuration already tested (a move to a tested template version, a restore).
      testedAt: trigger.testedConfigHash === configHash ? (trigger.lastTestAt ?? new Date()) : null,
      activatedAt: null,
      activatedBy: null,
      templateVersion: null,
    });
    await m.update(TriggerEntity, { id }, { latestRevision: number, draftRevision: number });
    return number;
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

  private async checkChannel(channel: DeliveryChannel, url: string | undefined, email: EmailConfig | undefined): Promise<void> {
    if (channel === 'http') {
      if (!url) throw new InvalidInputError('a URL trigger needs a url', [{ field: 'url', message: 'is required for the URL method' }]);
      await this.checkDestination(url);
      return;
    }
    if (!email) throw new InvalidInputError('an email trigger needs email settings', [{ field: 'email', message: 'is required for the email method' }]);
    try {
      this.renderer.compile({ body: email.subject, format: 'text' });
    } catch (e) {
      if (e instanceof TemplateError)
        throw new InvalidInputError('the subject template does not compile', [{ field: 'email.subject', message: e.reason, line: e.line, column: e.column }]);
      throw e;
    }
  }

  /** A contract must be a JSON Schema that compiles (2020-12; no remote references). */
  private checkSchema(schema: object | null | undefined): void {
    if (schema === undefined || schema === null) return;
    const problem = this.schemas.problem(schema);
    if (problem) throw new InvalidInputError('the output schema cannot be used', [{ field: 'outputSchema', message: problem }]);
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

/** A URL trigger posts a payload: JSON, XML or a form. Email takes any format. */
function checkFormat(channel: DeliveryChannel, template: TemplateEntity): void {
  if (channel === 'http' && !HTTP_TEMPLATE_FORMATS.includes(template.format)) {
    throw new InvalidInputError('a URL trigger needs a JSON, XML or form template', [
      { field: 'templateId', message: `template "${template.id}" is ${template.format}; URL triggers send ${HTTP_TEMPLATE_FORMATS.join(', ')}` },
    ]);
  }
}

function dedupe<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Settings that have a value: null is refused (omitting one keeps it, or takes the default). */
const NOT_NULL = ['ordering', 'orderingMaxWaitSeconds', 'orderingMaxQueued', 'outOfOrder'] as const;

function checkNotNull(input: Partial<Pick<TriggerInput, (typeof NOT_NULL)[number]>>): void {
  const nulls = NOT_NULL.filter((f) => (input as Record<string, unknown>)[f] === null);
  if (nulls.length > 0)
    throw new InvalidInputError(
      'these settings cannot be null',
      nulls.map((field) => ({ field, message: 'must not be null: omit it to keep the current value' })),
    );
}
