import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order-aware delivery settings of a trigger: per-order sequence (with the limit past which a
 * blocked order gives up waiting) and the policy for stale or backwards events. The defaults are
 * today's behaviour.
 */
export class OrderAware1796400000001 implements MigrationInterface {
  name = 'OrderAware1796400000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`triggers\` ADD \`ordering\` varchar(16) NOT NULL DEFAULT 'none', ADD \`ordering_max_wait_s\` int NOT NULL DEFAULT 3600, ` +
        `ADD \`ordering_max_queued\` int NOT NULL DEFAULT 50, ADD \`out_of_order\` varchar(16) NOT NULL DEFAULT 'deliver'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`triggers\` DROP COLUMN \`ordering\`, DROP COLUMN \`ordering_max_wait_s\`, DROP COLUMN \`ordering_max_queued\`, DROP COLUMN \`out_of_order\``,
    );
  }
}
