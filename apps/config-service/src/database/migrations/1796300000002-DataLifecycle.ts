import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data lifecycle: when a trigger last became active (a failure streak is counted from then at the
 * earliest), a customer's own retention periods for the delivery log and its payloads, and a
 * customer's delivery objective (e.g. 99% delivered within 60 s, over 60 min), and the paths of
 * personal data in a customer's order events.
 */
export class DataLifecycle1796300000002 implements MigrationInterface {
  name = 'DataLifecycle1796300000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`active_since\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`retention_deliveries_days\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`retention_payloads_days\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`sla_percent\` decimal(6,3) NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`sla_within_seconds\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`sla_window_minutes\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`customers\` ADD \`pii_paths\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`pii_paths\``);
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`sla_window_minutes\``);
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`sla_within_seconds\``);
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`sla_percent\``);
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`retention_payloads_days\``);
    await queryRunner.query(`ALTER TABLE \`customers\` DROP COLUMN \`retention_deliveries_days\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`active_since\``);
  }
}
