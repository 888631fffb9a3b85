import { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk replays by filter: customer and trigger become optional, event type added; jobs listed by time. */
export class ConsoleSupport1796027512145 implements MigrationInterface {
  name = 'ConsoleSupport1796027512145';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` ADD \`event_type\` varchar(32) NULL`);
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` MODIFY \`customer_id\` varchar(100) NULL`);
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` MODIFY \`trigger_id\` varchar(40) NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_replay_jobs_created\` ON \`replay_jobs\` (\`created_at\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_replay_jobs_created\` ON \`replay_jobs\``);
    await queryRunner.query(`DELETE FROM \`replay_jobs\` WHERE \`customer_id\` IS NULL OR \`trigger_id\` IS NULL`);
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` MODIFY \`trigger_id\` varchar(40) NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` MODIFY \`customer_id\` varchar(100) NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`replay_jobs\` DROP COLUMN \`event_type\``);
  }
}
