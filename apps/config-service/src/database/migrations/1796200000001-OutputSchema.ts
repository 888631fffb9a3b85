import { MigrationInterface, QueryRunner } from 'typeorm';

/** A trigger's output contract: a JSON Schema its rendered payloads must meet. */
export class OutputSchema1796200000001 implements MigrationInterface {
  name = 'OutputSchema1796200000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` ADD \`output_schema\` text NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`triggers\` DROP COLUMN \`output_schema\``);
  }
}
