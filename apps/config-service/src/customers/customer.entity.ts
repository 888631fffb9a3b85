import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A customer of the fulfilment platform. `id` is the id its order events carry as `customerId`. */
@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Index('uq_customers_external_ref', { unique: true })
  @Column({ name: 'external_ref', type: 'varchar', length: 200, nullable: true })
  externalRef!: string | null;

  @Column({ name: 'contact_email', type: 'varchar', length: 320, nullable: true })
  contactEmail!: string | null;

  /** Days the delivery log keeps this customer's deliveries (null: RETENTION_DELIVERIES_DAYS). */
  @Column({ name: 'retention_deliveries_days', type: 'int', nullable: true })
  retentionDeliveriesDays!: number | null;

  /** Days the delivery log keeps this customer's event payloads and request bodies (null: RETENTION_PAYLOADS_DAYS). */
  @Column({ name: 'retention_payloads_days', type: 'int', nullable: true })
  retentionPayloadsDays!: number | null;

  /** Delivery objective: `sla_percent` % of live deliveries delivered within `sla_within_seconds` of the event, over `sla_window_minutes` (all null: none). */
  @Column({
    name: 'sla_percent',
    type: 'decimal',
    precision: 6,
    scale: 3,
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  slaPercent!: number | null;

  @Column({ name: 'sla_within_seconds', type: 'int', nullable: true })
  slaWithinSeconds!: number | null;

  @Column({ name: 'sla_window_minutes', type: 'int', nullable: true })
  slaWindowMinutes!: number | null;

  /** Paths of personal data in its order events, masked where people read stored data (null: PII_PATHS). */
  @Column({ name: 'pii_paths', type: 'simple-json', nullable: true })
  piiPaths!: string[] | null;

  @Column({ type: 'int', default: 0 })
  revision!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  // A plain column: MySQL's ON UPDATE keeps the milliseconds (TypeORM's own update value would not).
  @Column({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;
}
