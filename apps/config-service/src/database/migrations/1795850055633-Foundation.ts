import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795850055633 implements MigrationInterface {
  name = 'Foundation1795850055633';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`customers\` (\`id\` varchar(100) NOT NULL, \`name\` varchar(200) NOT NULL, \`external_ref\` varchar(200) NULL, \`contact_email\` varchar(320) NULL, \`revision\` int NOT NULL DEFAULT '0', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_customers_external_ref\` (\`external_ref\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`outbox\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`topic\` varchar(255) NOT NULL, \`msg_key\` varchar(255) NOT NULL, \`payload\` mediumtext NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`templates\` (\`id\` varchar(40) NOT NULL, \`customer_id\` varchar(100) NULL, \`name\` varchar(200) NOT NULL, \`description\` text NULL, \`format\` varchar(16) NOT NULL, \`event_types\` text NOT NULL, \`latest_version\` int NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_templates_customer\` (\`customer_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`template_versions\` (\`template_id\` varchar(40) NOT NULL, \`version\` int NOT NULL, \`body\` mediumtext NOT NULL, \`sample_input\` text NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (\`template_id\`, \`version\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`triggers\` (\`id\` varchar(40) NOT NULL, \`customer_id\` varchar(100) NOT NULL, \`name\` varchar(200) NOT NULL, \`event_types\` text NOT NULL, \`channel\` varchar(16) NOT NULL, \`url\` varchar(2048) NULL, \`method\` varchar(8) NOT NULL, \`format\` varchar(16) NOT NULL, \`headers\` text NOT NULL, \`retry_enabled\` tinyint NOT NULL, \`max_attempts\` int NOT NULL, \`timeout_ms\` int NOT NULL, \`template_id\` varchar(40) NOT NULL, \`template_version\` int NULL, \`status\` varchar(16) NOT NULL, \`secret_sealed\` varchar(512) NOT NULL, \`previous_secret_sealed\` varchar(512) NULL, \`previous_secret_expires_at\` datetime(3) NULL, \`revision\` int NOT NULL DEFAULT '0', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_triggers_customer\` (\`customer_id\`), INDEX \`idx_triggers_template\` (\`template_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `ALTER TABLE \`templates\` ADD CONSTRAINT \`fk_templates_customer\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customers\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`template_versions\` ADD CONSTRAINT \`fk_template_versions_template\` FOREIGN KEY (\`template_id\`) REFERENCES \`templates\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`triggers\` ADD CONSTRAINT \`fk_triggers_customer\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customers\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE \`triggers\` ADD CONSTRAINT \`fk_triggers_template\` FOREIGN KEY (\`template_id\`) REFERENCES \`templates\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP FOREIGN KEY \`fk_triggers_template\``);
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP FOREIGN KEY \`fk_triggers_customer\``);
    await queryRunner.query(`ALTER TABLE \`template_versions\` DROP FOREIGN KEY \`fk_template_versions_template\``);
    await queryRunner.query(`ALTER TABLE \`templates\` DROP FOREIGN KEY \`fk_templates_customer\``);
    await queryRunner.query(`DROP INDEX \`idx_triggers_template\` ON \`triggers\``);
    await queryRunner.query(`DROP INDEX \`idx_triggers_customer\` ON \`triggers\``);
    await queryRunner.query(`DROP TABLE \`triggers\``);
    await queryRunner.query(`DROP TABLE \`template_versions\``);
    await queryRunner.query(`DROP INDEX \`idx_templates_customer\` ON \`templates\``);
    await queryRunner.query(`DROP TABLE \`templates\``);
    await queryRunner.query(`DROP TABLE \`outbox\``);
    await queryRunner.query(`DROP INDEX \`uq_customers_external_ref\` ON \`customers\``);
    await queryRunner.query(`DROP TABLE \`customers\``);
  }
}
