import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fixtures of a trigger (input events with expectations), and the fingerprint that makes a change to them need a new test. */
export class TriggerFixtures1796200000002 implements MigrationInterface {
  name = 'TriggerFixtures1796200000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`trigger_fixtures\` (\`id\` varchar(40) NOT NULL, \`trigger_id\` varchar(40) NOT NULL, \`name\` varchar(200) NOT NULL, \`source\` varchar(100) NOT NULL, \`event\` mediumtext NOT NULL, \`expectations\` text NOT NULL, \`expect_status\` int NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`idx_trigger_fixtures_trigger\` (\`trigger_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`fixtures_fingerprint\` char(64) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`fixtures_fingerprint\``);
    await queryRunner.query(`DROP TABLE \`trigger_fixtures\``);
  }
}
