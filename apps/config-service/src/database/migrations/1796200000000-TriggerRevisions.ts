import { MigrationInterface, QueryRunner } from 'typeorm';
import { triggerConfigHash } from '../../triggers/trigger-config-hash';
import type { TriggerEntity } from '../../triggers/trigger.entity';

interface TriggerRow {
  id: string;
  name: string;
  event_types: string;
  channel: string;
  url: string | null;
  method: string;
  format: string;
  headers: string;
  retry_enabled: number;
  max_attempts: number;
  timeout_ms: number;
  template_id: string;
  template_version: number | null;
  email_config: string | null;
  status: string;
  tested_config_hash: string | null;
  last_test_at: Date | null;
  latest_version: number;
}

/**
 * Trigger revisions: every change makes a new one; the live revision keeps delivering until a
 * tested one is activated. Each existing trigger gets revision 1 from its current settings, live
 * (with its template version pinned) when the trigger is active or paused, a draft otherwise.
 */
export class TriggerRevisions1796200000000 implements MigrationInterface {
  name = 'TriggerRevisions1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`trigger_revisions\` (\`trigger_id\` varchar(40) NOT NULL, \`number\` int NOT NULL, \`config\` text NOT NULL, \`config_hash\` char(64) NOT NULL, \`source\` varchar(200) NOT NULL, \`created_by\` varchar(200) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`tested_at\` datetime(3) NULL, \`activated_at\` datetime(3) NULL, \`activated_by\` varchar(200) NULL, \`template_version\` int NULL, PRIMARY KEY (\`trigger_id\`, \`number\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`latest_revision\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`live_revision\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`live_template_version\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`draft_revision\` int NULL`);

    const rows = (await queryRunner.query(
      `SELECT t.*, tp.latest_version FROM \`triggers\` t JOIN \`templates\` tp ON tp.id = t.template_id ORDER BY t.id`,
    )) as TriggerRow[];
    const now = new Date();
    for (const r of rows) {
      const config = {
        name: r.name,
        eventTypes: JSON.parse(r.event_types) as string[],
        url: r.url,
        method: r.method,
        format: r.format,
        headers: JSON.parse(r.headers) as Record<string, string>,
        retryOnFailure: Boolean(r.retry_enabled),
        maxAttempts: r.max_attempts,
        timeoutMs: r.timeout_ms,
        templateId: r.template_id,
        templateVersion: r.template_version,
        email: r.email_config ? (JSON.parse(r.email_config) as unknown) : null,
      };
      const effective = r.template_version ?? r.latest_version;
      const hash = triggerConfigHash(
        {
          channel: r.channel,
          url: r.url,
          method: r.method,
          format: r.format,
          headers: config.headers,
          email: config.email,
          templateId: r.template_id,
        } as TriggerEntity,
        effective,
      );
      const live = r.status === 'active' || r.status === 'paused';
      await queryRunner.query(
        `INSERT INTO \`trigger_revisions\` (\`trigger_id\`, \`number\`, \`config\`, \`config_hash\`, \`source\`, \`created_by\`, \`created_at\`, \`tested_at\`, \`activated_at\`, \`activated_by\`, \`template_version\`) VALUES (?, 1, ?, ?, 'before revisions', 'system', ?, ?, ?, ?, ?)`,
        [
          r.id,
          JSON.stringify(config),
          hash,
          now,
          r.tested_config_hash === hash ? (r.last_test_at ?? now) : null,
          live ? now : null,
          live ? 'system' : null,
          live ? effective : null,
        ],
      );
      await queryRunner.query(
        `UPDATE \`triggers\` SET \`latest_revision\` = 1, \`live_revision\` = ?, \`live_template_version\` = ?, \`draft_revision\` = ? WHERE \`id\` = ?`,
        [live ? 1 : null, live ? effective : null, live ? null : 1, r.id],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`draft_revision\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`live_template_version\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`live_revision\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`latest_revision\``);
    await queryRunner.query(`DROP TABLE \`trigger_revisions\``);
  }
}
