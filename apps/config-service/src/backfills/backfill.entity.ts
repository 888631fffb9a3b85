import type { PartitionRange } from '@postback/kafka';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type BackfillStatus = 'running' | 'paused' | 'canceled' | 'completed' | 'failed';
export const BACKFILL_STATUSES: readonly BackfillStatus[] = ['running', 'paused', 'canceled', 'completed', 'failed'];

/**
 * A backfill: a time range of the order topics routed again through one trigger's live revision,
 * in the background. Its positions are kept here, so another instance (or this one after a restart)
 * goes on where it stopped.
 */
@Entity({ name: 'backfills' })
@Index('idx_backfills_trigger', ['triggerId', 'createdAt'])
export class BackfillEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 100 })
  customerId!: string;

  @Column({ name: 'trigger_id', type: 'varchar', length: 40 })
  triggerId!: string;

  /** The trigger's live revision whose event types the backfill matches (the latest one it used). */
  @Column({ name: 'trigger_revision', type: 'int', nullable: true })
  triggerRevision!: number | null;

  /** Records with timestamps in [from, to); `to` is never later than the backfill's creation. */
  @Column({ name: 'range_from', type: 'datetime', precision: 3 })
  from!: Date;

  @Column({ name: 'range_to', type: 'datetime', precision: 3 })
  to!: Date;

  /** Send events whose delivery the log already has as delivered, too. */
  @Column({ type: 'boolean' })
  redeliver!: boolean;

  /** Delivery jobs produced per second at most. */
  @Column({ name: 'rate_per_second', type: 'int' })
  ratePerSecond!: number;

  @Index('idx_backfills_status')
  @Column({ type: 'varchar', length: 16 })
  status!: BackfillStatus;

  /** Per partition of the order topics: the offsets of the range and the position reached; null until planned. */
  @Column({ type: 'simple-json', nullable: true })
  progress!: PartitionRange[] | null;

  /** Records read in the range. */
  @Column({ type: 'int', default: 0 })
  scanned!: number;

  /** Valid events of the trigger's customer and event types. */
  @Column({ type: 'int', default: 0 })
  matched!: number;

  /** Delivery jobs produced. */
  @Column({ type: 'int', default: 0 })
  produced!: number;

  /** Matched events left out: the log has their delivery as delivered or still being retried. */
  @Column({ name: 'already_delivered', type: 'int', default: 0 })
  alreadyDelivered!: number;

  /** Records that are not valid order events (skipped, as the router refuses them). */
  @Column({ type: 'int', default: 0 })
  invalid!: number;

  /** Why it failed, or stopped for a while (e.g. the trigger was paused). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
