import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerConfig } from './trigger-revisions';

/**
 * One revision of a trigger: its settings as they were after a change, never changed afterwards
 * (only its test and activation are recorded on it). The trigger's live revision is what its
 * live events are sent with; a newer one waits as a draft until it is tested and activated.
 */
@Entity({ name: 'trigger_revisions' })
export class TriggerRevisionEntity {
  @PrimaryColumn({ name: 'trigger_id', type: 'varchar', length: 40 })
  triggerId!: string;

  @PrimaryColumn({ type: 'int' })
  number!: number;

  @Column({ type: 'simple-json' })
  config!: TriggerConfig;

  /** What a test-fire of this revision proves (see triggerConfigHash), with the template version then in effect. */
  @Column({ name: 'config_hash', type: 'char', length: 64 })
  configHash!: string;

  /** How it came about: created, updated, restored from revision n, moved to template version n. */
  @Column({ type: 'varchar', length: 200 })
  source!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'tested_at', type: 'datetime', precision: 3, nullable: true })
  testedAt!: Date | null;

  @Column({ name: 'activated_at', type: 'datetime', precision: 3, nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'activated_by', type: 'varchar', length: 200, nullable: true })
  activatedBy!: string | null;

  /** The template version it went live with (pinned on activation, whatever the config follows). */
  @Column({ name: 'template_version', type: 'int', nullable: true })
  templateVersion!: number | null;
}
