import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { TemplateEntity } from '../templates/template.entity';
import type {
  DeliveryChannel,
  EmailConfig,
  HttpMethod,
  OrderEventType,
  OrderingMode,
  OutOfOrderPolicy,
  TemplateFormat,
  TriggerStatus,
} from '@postback/contracts';

/** A customer's trigger: which events, delivered how, rendered with which template. */
@Entity({ name: 'triggers' })
export class TriggerEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Index('idx_triggers_customer')
  @Column({ name: 'customer_id', type: 'varchar', length: 100 })
  customerId!: string;

  @ManyToOne(() => CustomerEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_triggers_customer' })
  customer?: CustomerEntity;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'event_types', type: 'simple-json' })
  eventTypes!: OrderEventType[];

  @Column({ type: 'varchar', length: 16 })
  channel!: DeliveryChannel;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url!: string | null;

  @Column({ type: 'varchar', length: 8 })
  method!: HttpMethod;

  @Column({ type: 'varchar', length: 16 })
  format!: TemplateFormat;

  @Column({ type: 'simple-json' })
  headers!: Record<string, string>;

  @Column({ name: 'retry_enabled', type: 'boolean' })
  retryEnabled!: boolean;

  @Column({ name: 'max_attempts', type: 'int' })
  maxAttempts!: number;

  @Column({ name: 'timeout_ms', type: 'int' })
  timeoutMs!: number;

  /** Per-order sequence (see OrderingSettings): `none` or `per-order`. */
  @Column({ type: 'varchar', length: 16, default: 'none' })
  ordering!: OrderingMode;

  @Column({ name: 'ordering_max_wait_s', type: 'int', default: 3600 })
  orderingMaxWaitSeconds!: number;

  @Column({ name: 'ordering_max_queued', type: 'int', default: 50 })
  orderingMaxQueued!: number;

  /** Stale and backwards events: deliver, skip or annotate. */
  @Column({ name: 'out_of_order', type: 'varchar', length: 16, default: 'deliver' })
  outOfOrder!: OutOfOrderPolicy;

  @Index('idx_triggers_template')
  @Column({ name: 'template_id', type: 'varchar', length: 40 })
  templateId!: string;

  @ManyToOne(() => TemplateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'fk_triggers_template' })
  template?: TemplateEntity;

  /** Pinned template version; null follows the latest. */
  @Column({ name: 'template_version', type: 'int', nullable: true })
  templateVersion!: number | null;

  @Column({ type: 'varchar', length: 16 })
  status!: TriggerStatus;

  /** Why the trigger is paused when the platform paused it (e.g. the receiver answered 410 Gone). */
  @Column({ name: 'paused_reason', type: 'varchar', length: 500, nullable: true })
  pausedReason!: string | null;

  /** When it last became active (null: before this was recorded); a failure streak counts from then at the earliest. */
  @Column({ name: 'active_since', type: 'datetime', precision: 3, nullable: true })
  activeSince!: Date | null;

  /** Signing secret, sealed (libs/security SecretBox); never returned after creation or rotation. */
  @Column({ name: 'secret_sealed', type: 'varchar', length: 512 })
  secretSealed!: string;

  @Column({ name: 'previous_secret_sealed', type: 'varchar', length: 512, nullable: true })
  previousSecretSealed!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'datetime', precision: 3, nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** The customer's output contract: a JSON Schema (2020-12) the rendered payload must meet, or it is not sent. */
  @Column({ name: 'output_schema', type: 'simple-json', nullable: true })
  outputSchema!: object | null;

  /** Fingerprint of the trigger's fixtures (null without any): part of what a test proves, so a change to them needs a new test. */
  @Column({ name: 'fixtures_fingerprint', type: 'char', length: 64, nullable: true })
  fixturesFingerprint!: string | null;

  /** Email delivery: recipients and subject template (delivery by email comes with the email channel). */
  @Column({ name: 'email_config', type: 'simple-json', nullable: true })
  email!: EmailConfig | null;

  /** Fingerprint of the configuration that last passed a test-fire; activation requires the current one. */
  @Column({ name: 'tested_config_hash', type: 'char', length: 64, nullable: true })
  testedConfigHash!: string | null;

  @Column({ name: 'last_test_at', type: 'datetime', precision: 3, nullable: true })
  lastTestAt!: Date | null;

  @Column({ name: 'last_test_delivery_id', type: 'varchar', length: 40, nullable: true })
  lastTestDeliveryId!: string | null;

  @Column({ name: 'last_test_outcome', type: 'varchar', length: 16, nullable: true })
  lastTestOutcome!: string | null;

  /** The newest revision (see TriggerRevisionEntity); the columns above hold its settings. */
  @Column({ name: 'latest_revision', type: 'int', default: 0 })
  latestRevision!: number;

  /** The revision live events are sent with; null until the first activation. */
  @Column({ name: 'live_revision', type: 'int', nullable: true })
  liveRevision!: number | null;

  /** The template version the live revision was activated with (pinned, whatever it follows). */
  @Column({ name: 'live_template_version', type: 'int', nullable: true })
  liveTemplateVersion!: number | null;

  /** A revision waiting for a test and activation; null when the columns above are what is live. */
  @Column({ name: 'draft_revision', type: 'int', nullable: true })
  draftRevision!: number | null;

  /** Bumped on every published snapshot; consumers keep the highest. */
  @Column({ type: 'int', default: 0 })
  revision!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  // A plain column: MySQL's ON UPDATE keeps the milliseconds (TypeORM's own update value would not).
  @Column({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;
}
