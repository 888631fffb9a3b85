import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed what, and when: one row per configuration change, written in the change's transaction. */
@Entity({ name: 'audit_log' })
@Index('idx_audit_entity', ['entityType', 'entityId'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('idx_audit_at')
  @Column({ type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  at!: Date;

  @Column({ name: 'actor_key_id', type: 'varchar', length: 40 })
  actorKeyId!: string;

  @Column({ name: 'actor_name', type: 'varchar', length: 200 })
  actorName!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 100 })
  entityId!: string;

  @Column({ type: 'simple-json', nullable: true })
  details!: Record<string, unknown> | null;
}
