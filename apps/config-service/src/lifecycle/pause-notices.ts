import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import nodemailer, { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { CustomerEntity } from '../customers/customer.entity';
import { TriggerEntity } from '../triggers/trigger.entity';

/**
 * Tells a customer, at its contact address, that the platform paused one of its triggers after a
 * failure streak: what failed, since when, and that the operator resumes it. Sent after the pause
 * is committed, never in its way: a notice that cannot be sent is logged and counted, not retried
 * (the pause itself is on the trigger and in the audit log). Off without SMTP_HOST or with
 * AUTO_PAUSE_NOTIFY=false, and for customers without a contact address.
 */
@Injectable()
export class PauseNotices implements OnApplicationShutdown {
  private readonly transport: Transporter | undefined;
  private readonly sent: Counter<'outcome'>;

  constructor(
    private readonly db: DataSource,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    const smtp = config.notices.smtp;
    if (smtp && config.notices.autoPauseEmail) {
      this.transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTls,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
        connectionTimeout: smtp.timeoutMs,
        greetingTimeout: smtp.timeoutMs,
        socketTimeout: smtp.timeoutMs,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    }
    this.sent = new Counter({
      name: 'postback_pause_notices_total',
      help: "Emails to customers' contact addresses about triggers the platform paused, by outcome (sent, failed, skipped: no contact address or email off)",
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  async triggerPaused(triggerId: string, reason: string): Promise<void> {
    const trigger = await this.db.manager.findOneBy(TriggerEntity, { id: triggerId });
    const customer = trigger && (await this.db.manager.findOneBy(CustomerEntity, { id: trigger.customerId }));
    if (!this.transport || !trigger || !customer?.contactEmail) {
      this.sent.inc({ outcome: 'skipped' });
      return;
    }
    try {
      await this.transport.sendMail({
        from: this.config.notices.smtp!.from,
        to: customer.contactEmail,
        subject: `Postbacks paused: ${trigger.name}`,
        text:
          `Hello ${customer.name},\n\n` +
          `we have paused the postback "${trigger.name}" (${trigger.id}) to ${trigger.channel === 'email' ? 'your email address' : trigger.url}:\n\n` +
          `${reason}\n\n` +
          'No postbacks are sent for it until it is resumed. Once your endpoint accepts them again, ask your contact ' +
          'at the fulfilment platform to resume it; the postbacks that failed can be sent again.\n',
        headers: { 'X-Postback-Trigger': trigger.id },
      });
      this.sent.inc({ outcome: 'sent' });
      this.logger.info({ triggerId, customerId: customer.id }, 'told the customer that its trigger was paused');
    } catch (err) {
      this.sent.inc({ outcome: 'failed' });
      this.logger.warn({ err, triggerId, customerId: customer.id }, 'could not email the customer that its trigger was paused');
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
