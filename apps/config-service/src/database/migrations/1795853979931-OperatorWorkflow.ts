import { MigrationInterface, QueryRunner } from 'typeorm';

export class OperatorWorkflow1795853979931 implements MigrationInterface {
  name = 'OperatorWorkflow1795853979931';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`api_keys\` (\`id\` varchar(40) NOT NULL, \`name\` varchar(200) NOT NULL, \`scopes\` text NOT NULL, \`key_hash\` char(64) NOT NULL, \`key_prefix\` varchar(16) NOT NULL, \`created_by\` varchar(200) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`last_used_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, UNIQUE INDEX \`uq_api_keys_hash\` (\`key_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`audit_log\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`actor_key_id\` varchar(40) NOT NULL, \`actor_name\` varchar(200) NOT NULL, \`action\` varchar(64) NOT NULL, \`entity_type\` varchar(32) NOT NULL, \`entity_id\` varchar(100) NOT NULL, \`details\` text NULL, INDEX \`idx_audit_at\` (\`at\`), INDEX \`idx_audit_entity\` (\`entity_type\`, \`entity_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`deliveries\` (\`delivery_id\` varchar(40) NOT NULL, \`trigger_id\` varchar(40) NOT NULL, \`customer_id\` varchar(100) NOT NULL, \`event_id\` varchar(200) NOT NULL, \`event_type\` varchar(32) NOT NULL, \`order_id\` varchar(200) NOT NULL, \`channel\` varchar(16) NOT NULL, \`status\` varchar(16) NOT NULL, \`attempts\` int NOT NULL, \`test\` tinyint NOT NULL, \`first_attempt_at\` datetime(3) NOT NULL, \`last_attempt_at\` datetime(3) NOT NULL, \`next_attempt_at\` datetime(3) NULL, \`last_status_code\` int NULL, \`last_error_code\` varchar(64) NULL, INDEX \`idx_deliveries_status_time\` (\`status\`, \`last_attempt_at\`), INDEX \`idx_deliveries_trigger_status_time\` (\`trigger_id\`, \`status\`, \`last_attempt_at\`), INDEX \`idx_deliveries_customer_time\` (\`customer_id\`, \`last_attempt_at\`), PRIMARY KEY (\`delivery_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`delivery_attempts\` (\`delivery_id\` varchar(40) NOT NULL, \`attempt\` int NOT NULL, \`outcome\` varchar(16) NOT NULL, \`started_at\` datetime(3) NOT NULL, \`duration_ms\` double NOT NULL, \`end_to_end_ms\` bigint NOT NULL, \`request_url\` varchar(2048) NULL, \`request_method\` varchar(8) NULL, \`request_bytes\` int NULL, \`request_body\` mediumtext NULL, \`request_headers\` text NULL, \`status_code\` int NULL, \`response_headers\` text NULL, \`response_excerpt\` text NULL, \`error_code\` varchar(64) NULL, \`error_message\` text NULL, \`next_attempt_at\` datetime(3) NULL, PRIMARY KEY (\`delivery_id\`, \`attempt\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`template_versions\` ADD \`mapping\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`email_config\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`tested_config_hash\` char(64) NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`last_test_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`last_test_delivery_id\` varchar(40) NULL`);
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`last_test_outcome\` varchar(16) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`last_test_outcome\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`last_test_delivery_id\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`last_test_at\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`tested_config_hash\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`email_config\``);
    await queryRunner.query(`ALTER TABLE \`template_versions\` DROP COLUMN \`mapping\``);
    await queryRunner.query(`DROP TABLE \`delivery_attempts\``);
    await queryRunner.query(`DROP INDEX \`idx_deliveries_customer_time\` ON \`deliveries\``);
    await queryRunner.query(`DROP INDEX \`idx_deliveries_trigger_status_time\` ON \`deliveries\``);
    await queryRunner.query(`DROP INDEX \`idx_deliveries_status_time\` ON \`deliveries\``);
    await queryRunner.query(`DROP TABLE \`deliveries\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_entity\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_at\` ON \`audit_log\``);
    await queryRunner.query(`DROP TABLE \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`uq_api_keys_hash\` ON \`api_keys\``);
    await queryRunner.query(`DROP TABLE \`api_keys\``);
  }
}
