import { Injectable } from '@nestjs/common';
import { configKey, TriggerSecrets, TriggerSnapshot } from '@postback/contracts';
import { SecretBox } from '@postback/security';
import { EntityManager, IsNull } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { OutboxService } from '../outbox/outbox.service';
import { TemplateEntity, TemplateVersionEntity } from '../templates/template.entity';
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

  private async snapshot(m: EntityManager, t: TriggerEntity): Promise<TriggerSnapshot> {
    const template = await m.findOneByOrFail(TemplateEntity, { id: t.templateId });
    const version = t.templateVersion ?? template.latestVersion;
    const body = await m.findOneByOrFail(TemplateVersionEntity, { templateId: template.id, version });
    const secrets: TriggerSecrets = { current: this.secrets.open(t.secretSealed) };
    if (t.previousSecretSealed && t.previousSecretExpiresAt && t.previousSecretExpiresAt.getTime() > Date.now()) {
      secrets.previous = { secret: this.secrets.open(t.previousSecretSealed), expiresAt: t.previousSecretExpiresAt.toISOString() };
    }
    return {
      kind: 'trigger',
      id: t.id,
      customerId: t.customerId,
      name: t.name,
      eventTypes: t.eventTypes,
      status: t.status,
      channel: t.channel,
      http: t.url ? { url: t.url, method: t.method, headers: t.headers, timeoutMs: t.timeoutMs } : undefined,
      email: t.email ?? undefined,
      retry: { enabled: t.retryEnabled, maxAttempts: t.maxAttempts },
      template: { id: template.id, version, format: template.format, body: body.body },
      sealedSecrets: this.secrets.seal(JSON.stringify(secrets)),
      revision: t.revision,
      updatedAt: new Date().toISOString(),
    };
  }
}
