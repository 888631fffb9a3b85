import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settings of the installation itself, by name. The first: `secrets_key_check`, a known text sealed
 * with SECRETS_KEY (written by the config service at its first start), which tells at start whether
 * SECRETS_KEY opens the secrets stored in this database.
 */
export class SecretsKeyCheck1796300000001 implements MigrationInterface {
  name = 'SecretsKeyCheck1796300000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`platform_settings\` (\`name\` varchar(64) NOT NULL, \`value\` text NOT NULL, \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (\`name\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`platform_settings\``);
  }
}
