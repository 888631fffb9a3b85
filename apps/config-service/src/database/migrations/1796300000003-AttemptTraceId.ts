import { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C trace id of each attempt (tracing): 32 hex characters, null when the job carried no trace context. */
export class AttemptTraceId1796300000003 implements MigrationInterface {
  name = 'AttemptTraceId1796300000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`delivery_attempts\` ADD \`trace_id\` varchar(32) NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`delivery_attempts\` DROP COLUMN \`trace_id\``);
  }
}
