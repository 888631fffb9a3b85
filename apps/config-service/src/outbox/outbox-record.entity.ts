import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A Kafka record waiting to be published. Written in the same MySQL transaction as the change it
 * describes; the relay publishes in id order and deletes what the broker acknowledged.
 */
@Entity({ name: 'outbox' })
export class OutboxRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  topic!: string;

  @Column({ name: 'msg_key', type: 'varchar', length: 255 })
  key!: string;

  /** JSON text; null publishes a tombstone. */
  @Column({ type: 'mediumtext', nullable: true })
  payload!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;
}
