import { Injectable } from '@nestjs/common';
import { configKey, TriggerConfiguration, TriggerDraft, TriggerSecrets, TriggerSnapshot } from '@postback/contracts';
import { SecretBox } from '@postback/security';
import { EntityManager, IsNull } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { OutboxService } from '../outbox/outbox.service';
import { TemplateEntity, TemplateVersionEntity } from '../templates/template.entity';
import { TriggerRevisionEntity } from '../triggers/trigger-revision.entity';
import { configOf, orderAwareOf, TriggerConfig } from '../triggers/trigger-revisions';
import { TriggerEntity } from '../triggers/trigger.entity';

/**
 * Turns configuration changes into snapshots on the compacted config topic, through the outbox,
 * inside the caller's transaction. Each publish bumps the trigger's revision (under a row lock),
 * so consumers can keep the newest snapshot whatever order records arrive in.
 */
@Injectable()
export class ConfigPublisher {
  constructor(
    private readonly outbox: OutboxService,
    private readonly secrets: SecretBox,
    private readonly config: ServiceConfig,
  ) {}

  async publishTrigger(m: EntityManager, triggerId: string): Promise<TriggerSnapshot> {
    const trigger = await m.findOne(TriggerEntity, { where: { id: triggerId }, lock: { mode: 'pessimistic_write' } });
    if (!trigger) throw new Error(`trigger ${triggerId} vanished inside its own transaction`);
    trigger.revision += 1;
    await m.update(TriggerEntity, { id: trigger.id }, { revision: trigger.revision });
    const snapshot = await this.snapshot(m, trigger);
    await this.outbox.enqueue(m, [{ topic: this.config.kafka.topics.config, key: configKey.trigger(trigger.id), value: snapshot }]);
    return snapshot;
  }

  /** Republishes the triggers that follow the latest version of a template. */
  async publishTriggersOfTemplate(m: EntityManager, templateId: string): Promise<number> {
    const triggers = await m.find(TriggerEntity, { where: { templateId, templateVersion: IsNull() }, select: { id: true }, order: { id: 'ASC' } });
    for (const t of triggers) await this.publishTrigger(m, t.id);
    return triggers.length;
  }

  async publishTriggerDeleted(m: EntityManager, triggerId: string): Promise<void> {
    await this.outbox.enqueue(m, [{ topic: this.config.kafka.topics.config, key: configKey.trigger(triggerId), value: null }]);
  }

  /** Call after the transaction committed. */
  flush(): void {
    this.outbox.published();
  }

  /**
   * The top-level settings are the live revision's, with the template version it was activated
   * with; changes waiting for a test travel beside them as `draft`, used by test-fires only. A
   * trigger that has never been activated has no live revision: its settings are its draft's.
   */
  private async snapshot(m: EntityManager, t: TriggerEntity): Promise<TriggerSnapshot> {
    const template = await m.findOneByOrFail(TemplateEntity, { id: t.templateId });
    const working = configOf(t);
    const workingVersion = t.templateVersion ?? template.latestVersion;
    let live = working;
    let liveVersion = workingVersion;
    let draft: TriggerDraft | undefined;
    if (t.liveRevision !== null) {
      liveVersion = t.liveTemplateVersion ?? workingVersion;
      if (t.draftRevision !== null || liveVersion !== workingVersion) {
        const revision = await m.findOneByOrFail(TriggerRevisionEntity, { triggerId: t.id, number: t.liveRevision });
        live = revision.config;
        draft = { number: t.draftRevision ?? t.latestRevision, ...(await this.configuration(m, t, working, workingVersion)) };
      }
    }
    const secrets: TriggerSecrets = { current: this.secrets.open(t.secretSealed) };
    if (t.previousSecretSealed && t.previousSecretExpiresAt && t.previousSecretExpiresAt.getTime() > Date.now()) {
      secrets.previous = { secret: this.secrets.open(t.previousSecretSealed), expiresAt: t.previousSecretExpiresAt.toISOString() };
    }
    return {
      kind: 'trigger',
      id: t.id,
      customerId: t.customerId,
      status: t.status,
      ...(await this.configuration(m, t, live, liveVersion)),
      sealedSecrets: this.secrets.seal(JSON.stringify(secrets)),
      revision: t.revision,
      updatedAt: new Date().toISOString(),
      liveRevision: t.liveRevision,
      ...(draft ? { draft } : {}),
    };
  }

  private async configuration(m: EntityManager, t: TriggerEntity, c: TriggerConfig, version: number): Promise<TriggerConfiguration> {
    const template = await m.findOneByOrFail(TemplateEntity, { id: c.templateId });
    const body = await m.findOneByOrFail(TemplateVersionEntity, { templateId: template.id, version });
    return {
      name: c.name,
      eventTypes: c.eventTypes,
      channel: t.channel,
      http: c.url ? { url: c.url, method: c.method, headers: c.headers, timeoutMs: c.timeoutMs } : undefined,
      email: c.email ?? undefined,
      retry: { enabled: c.retryOnFailure, maxAttempts: c.maxAttempts },
      ...orderAwareSnapshot(c),
      template: { id: template.id, version, format: template.format, body: body.body },
      ...(c.outputSchema ? { outputSchema: c.outputSchema } : {}),
    };
  }
}

/** Only what differs from the defaults goes into the snapshot, so existing triggers' snapshots stay as they were. */
function orderAwareSnapshot(c: TriggerConfig): Pick<TriggerConfiguration, 'ordering' | 'outOfOrder'> {
  const o = orderAwareOf(c);
  return {
    ...(o.ordering === 'per-order'
      ? { ordering: { mode: 'per-order' as const, maxWaitSeconds: o.orderingMaxWaitSeconds, maxQueued: o.orderingMaxQueued } }
      : {}),
    ...(o.outOfOrder !== 'deliver' ? { outOfOrder: o.outOfOrder } : {}),
  };
}
