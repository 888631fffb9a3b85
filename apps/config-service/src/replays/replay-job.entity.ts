import type { OrderEventType } from '@postback/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ReplayStatus = 'queued' | 'running' | 'done' | 'failed';

/** A bulk replay: every failed delivery that matches a filter (customer, trigger, event type, time range), sent again in the background. */
@Entity({ name: 'replay_jobs' })
@Index('idx_replay_jobs_trigger', ['triggerId', 'createdAt'])
@Index('idx_replay_jobs_created', ['createdAt'])
export class ReplayJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  /** Filter: only this customer's deliveries (null: every customer). */
  @Column({ name: 'customer_id', type: 'varchar', length: 100, nullable: true })
  customerId!: string | null;

  /** Filter: only this trigger's deliveries (null: every trigger). */
  @Column({ name: 'trigger_id', type: 'varchar', length: 40, nullable: true })
  triggerId!: string | null;

  /** Filter: only deliveries of this event type (null: every type). */
  @Column({ name: 'event_type', type: 'varchar', length: 32, nullable: true })
  eventType!: OrderEventType | null;

  /** Deliveries whose last attempt is in [from, to). */
  @Column({ name: 'range_from', type: 'datetime', precision: 3 })
  from!: Date;

  @Column({ name: 'range_to', type: 'datetime', precision: 3 })
  to!: Date;

  @Index('idx_replay_jobs_status')
  @Column({ type: 'varchar', length: 16 })
  status!: ReplayStatus;

  @Column({ type: 'int', default: 0 })
  total!: number;

  @Column({ type: 'int', default: 0 })
  replayed!: number;

  /** Last delivery id handed over: where a resumed job continues. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  cursor!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  /** Refreshed while a worker runs the job; a stale heartbeat lets another instance take it over. */
  @Column({ name: 'heartbeat_at', type: 'datetime', precision: 3, nullable: true })
  heartbeatAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
