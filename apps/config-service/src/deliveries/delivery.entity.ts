import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AttemptOutcome, DeliveryChannel, OrderEventType } from '@postback/contracts';

export type DeliveryStatus = 'delivered' | 'failed' | 'retrying' | 'skipped' | 'queued';

/** One delivery (an event through a trigger), with the outcome of its latest attempt. */
@Entity({ name: 'deliveries' })
@Index('idx_deliveries_customer_time', ['customerId', 'lastAttemptAt'])
@Index('idx_deliveries_trigger_status_time', ['triggerId', 'status', 'lastAttemptAt'])
@Index('idx_deliveries_status_time', ['status', 'lastAttemptAt'])
export class DeliveryEntity {
  @PrimaryColumn({ name: 'delivery_id', type: 'varchar', length: 40 })
  deliveryId!: string;

  @Column({ name: 'trigger_id', type: 'varchar', length: 40 })
  triggerId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 100 })
  customerId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: OrderEventType;

  @Column({ name: 'order_id', type: 'varchar', length: 200 })
  orderId!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: DeliveryChannel;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ type: 'boolean' })
  test!: boolean;

  @Column({ name: 'first_attempt_at', type: 'datetime', precision: 3 })
  firstAttemptAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3 })
  lastAttemptAt!: Date;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error_code', type: 'varchar', length: 64, nullable: true })
  lastErrorCode!: string | null;

  /** The event (JSON), kept so that the delivery can be replayed. */
  @Column({ name: 'event_json', type: 'mediumtext', nullable: true })
  eventJson!: string | null;
}

/** One attempt of a delivery, as the delivery service reported it. */
@Entity({ name: 'delivery_attempts' })
export class DeliveryAttemptEntity {
  @PrimaryColumn({ name: 'delivery_id', type: 'varchar', length: 40 })
  deliveryId!: string;

  @PrimaryColumn({ type: 'int' })
  attempt!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AttemptOutcome;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'duration_ms', type: 'double' })
  durationMs!: number;

  @Column({ name: 'end_to_end_ms', type: 'bigint' })
  endToEndMs!: string;

  @Column({ name: 'request_url', type: 'varchar', length: 2048, nullable: true })
  requestUrl!: string | null;

  @Column({ name: 'request_method', type: 'varchar', length: 8, nullable: true })
  requestMethod!: string | null;

  @Column({ name: 'request_bytes', type: 'int', nullable: true })
  requestBytes!: number | null;

  /** The request body: kept for test deliveries, so the operator sees what was sent. */
  @Column({ name: 'request_body', type: 'mediumtext', nullable: true })
  requestBody!: string | null;

  @Column({ name: 'request_headers', type: 'simple-json', nullable: true })
  requestHeaders!: Record<string, string> | null;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'response_headers', type: 'simple-json', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column({ name: 'response_excerpt', type: 'text', nullable: true })
  responseExcerpt!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  /** The W3C trace id of the attempt (tracing), when its job carried a trace context. */
  @Column({ name: 'trace_id', type: 'varchar', length: 32, nullable: true })
  traceId!: string | null;
}
