import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReliableDelivery1795855021004 implements MigrationInterface {
  name = 'ReliableDelivery1795855021004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`replay_jobs\` (\`id\` varchar(40) NOT NULL, \`customer_id\` varchar(100) NOT NULL, \`trigger_id\` varchar(40) NOT NULL, \`range_from\` datetime(3) NOT NULL, \`range_to\` datetime(3) NOT NULL, \`status\` varchar(16) NOT NULL, \`total\` int NOT NULL DEFAULT '0', \`replayed\` int NOT NULL DEFAULT '0', \`cursor\` varchar(40) NULL, \`error\` text NULL, \`created_by\` varchar(200) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`heartbeat_at\` datetime(3) NULL, \`finished_at\` datetime(3) NULL, INDEX \`idx_replay_jobs_status\` (\`status\`), INDEX \`idx_replay_jobs_trigger\` (\`trigger_id\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`deliveries\` ADD \`event_json\` mediumtext NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`paused_reason\` varchar(500) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`paused_reason\``);
    await queryRunner.query(`ALTER TABLE \`deliveries\` DROP COLUMN \`event_json\``);
    await queryRunner.query(`DROP INDEX \`idx_replay_jobs_trigger\` ON \`replay_jobs\``);
    await queryRunner.query(`DROP INDEX \`idx_replay_jobs_status\` ON \`replay_jobs\``);
    await queryRunner.query(`DROP TABLE \`replay_jobs\``);
  }
}
