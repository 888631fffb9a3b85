import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import type { OrderEventType, TemplateFormat } from '@postback/contracts';
import type { MappingRule } from '@postback/templating';

/**
 * A postback template: global (Templates section) when `customerId` is null, or owned by a
 * customer. Its bodies live in immutable versions; `latestVersion` is the newest.
 */
@Entity({ name: 'templates' })
export class TemplateEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Index('idx_templates_customer')
  @Column({ name: 'customer_id', type: 'varchar', length: 100, nullable: true })
  customerId!: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'RESTRICT', nullable: true, createForeignKeyConstraints: true })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_templates_customer' })
  customer?: CustomerEntity;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16 })
  format!: TemplateFormat;

  @Column({ name: 'event_types', type: 'simple-json' })
  eventTypes!: OrderEventType[];

  @Column({ name: 'latest_version', type: 'int' })
  latestVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  // A plain column: MySQL's ON UPDATE keeps the milliseconds (TypeORM's own update value would not).
  @Column({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;
}

/** One immutable version of a template's body. */
@Entity({ name: 'template_versions' })
export class TemplateVersionEntity {
  @PrimaryColumn({ name: 'template_id', type: 'varchar', length: 40 })
  templateId!: string;

  @ManyToOne(() => TemplateEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'fk_template_versions_template' })
  template?: TemplateEntity;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'mediumtext' })
  body!: string;

  /** Template Mapper rules this version's body was compiled from, if it was. */
  @Column({ type: 'simple-json', nullable: true })
  mapping!: MappingRule[] | null;

  /** Custom input the operator previewed with (JSON), if any. */
  @Column({ name: 'sample_input', type: 'simple-json', nullable: true })
  sampleInput!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;
}
