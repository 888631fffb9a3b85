import { MigrationInterface, QueryRunner } from 'typeorm';

/** Backfills: a time range of the order topics routed again through one trigger, with its positions per partition. */
export class Backfills1796400000002 implements MigrationInterface {
  name = 'Backfills1796400000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`backfills\` (\`id\` varchar(40) NOT NULL, \`customer_id\` varchar(100) NOT NULL, \`trigger_id\` varchar(40) NOT NULL, ` +
        `\`trigger_revision\` int NULL, \`range_from\` datetime(3) NOT NULL, \`range_to\` datetime(3) NOT NULL, \`redeliver\` tinyint NOT NULL, ` +
        `\`rate_per_second\` int NOT NULL, \`status\` varchar(16) NOT NULL, \`progress\` text NULL, \`scanned\` int NOT NULL DEFAULT '0', ` +
        `\`matched\` int NOT NULL DEFAULT '0', \`produced\` int NOT NULL DEFAULT '0', \`already_delivered\` int NOT NULL DEFAULT '0', ` +
        `\`invalid\` int NOT NULL DEFAULT '0', \`error\` text NULL, \`created_by\` varchar(200) NOT NULL, ` +
        `\`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ` +
        `\`finished_at\` datetime(3) NULL, INDEX \`idx_backfills_status\` (\`status\`), INDEX \`idx_backfills_trigger\` (\`trigger_id\`, \`created_at\`), ` +
        `PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_backfills_trigger\` ON \`backfills\``);
    await queryRunner.query(`DROP INDEX \`idx_backfills_status\` ON \`backfills\``);
    await queryRunner.query(`DROP TABLE \`backfills\``);
  }
}
