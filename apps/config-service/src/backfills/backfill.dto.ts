import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { rangeProgress } from './backfill-plan';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { BACKFILL_STATUSES, BackfillEntity, BackfillStatus } from './backfill.entity';

export const BACKFILL_RATE = { default: 200, max: 5000 } as const;

export class StartBackfillDto {
  @ApiProperty({ description: 'Order events recorded on the order topics at or after this time', example: '2026-04-25T00:00:00Z' })
  @IsISO8601()
  from!: string;

  @ApiProperty({ description: '…and before this time; a time in the future is taken as now (later events are live traffic)', example: '2026-05-02T00:00:00Z' })
  @IsISO8601()
  to!: string;

  @ApiPropertyOptional({
    description: 'Send events whose delivery the log already has as delivered, too (the same webhook-id: receivers that drop duplicates drop them)',
    default: false,
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  redeliver?: boolean;

  @ApiPropertyOptional({
    description: 'Delivery jobs produced per second at most, so that live traffic keeps its latency',
    minimum: 1,
    maximum: BACKFILL_RATE.max,
    default: BACKFILL_RATE.default,
    example: 200,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(BACKFILL_RATE.max)
  ratePerSecond?: number;
}

export class BackfillPartitionDto {
  @ApiProperty({ description: 'Order topic', example: 'orders.events' }) topic!: string;
  @ApiProperty({ description: 'Partition of the topic', example: 0 }) partition!: number;
  @ApiProperty({ description: 'First offset of the range (the first record at or after `from`)', example: 1200 }) start!: number;
  @ApiProperty({ description: 'Offset after the range (the first record at or after `to`)', example: 1850 }) end!: number;
  @ApiProperty({ description: 'Next offset to read; `end` when the partition is done', example: 1500 }) position!: number;
}

export class BackfillDto {
  @ApiProperty({ description: 'Backfill id', example: 'bf_3k9x1c4v7b6n5q0z8f2m' }) id!: string;
  @ApiProperty({ description: 'The customer of the trigger', example: 'cus_nordic_apparel' }) customerId!: string;
  @ApiProperty({ description: 'The trigger the events are routed through', example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) triggerId!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: "The trigger's live revision whose event types were matched (the latest used); null before the backfill began",
    example: 3,
  })
  triggerRevision!: number | null;
  @ApiProperty({ description: 'Start of the time range (record timestamps)', example: '2026-04-25T00:00:00.000Z' }) from!: string;
  @ApiProperty({ description: 'End of the time range, never later than when the backfill was created', example: '2026-05-02T00:00:00.000Z' }) to!: string;
  @ApiProperty({ description: 'Events already delivered are sent again too', example: false }) redeliver!: boolean;
  @ApiProperty({ description: 'Delivery jobs produced per second at most', example: 200 }) ratePerSecond!: number;
  @ApiProperty({
    enum: BACKFILL_STATUSES,
    description: 'running (also while waiting for its turn), paused, canceled, completed, or failed (see `error`)',
    example: 'running',
  })
  status!: BackfillStatus;
  @ApiProperty({ type: [BackfillPartitionDto], description: 'Per partition of the order topics: its range and how far it got (empty until planned)' })
  partitions!: BackfillPartitionDto[];
  @ApiProperty({ description: 'Records of the ranges read so far (offsets, so records deleted by retention count as read)', example: 950 })
  read!: number;
  @ApiProperty({ description: 'Records in the ranges', example: 1300 }) total!: number;
  @ApiProperty({ description: 'Records read', example: 950 }) scanned!: number;
  @ApiProperty({ description: "Events of the trigger's customer and live event types", example: 120 }) matched!: number;
  @ApiProperty({ description: 'Delivery jobs produced (follow them in the delivery log)', example: 100 }) produced!: number;
  @ApiProperty({ description: 'Matched events left out: the log has them delivered (unless redeliver) or still being retried', example: 20 })
  alreadyDelivered!: number;
  @ApiProperty({ description: 'Records that are not valid order events, skipped', example: 0 }) invalid!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why it failed or stopped', example: null }) error!: string | null;
  @ApiProperty({ description: 'Name of the API key that started it', example: 'bootstrap admin key' }) createdBy!: string;
  @ApiProperty({ description: 'When it was started', example: '2026-05-02T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ description: 'Last change of status or progress', example: '2026-05-02T08:00:05.000Z' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it completed, was canceled or failed', example: null }) finishedAt!: string | null;

  static from(b: BackfillEntity): BackfillDto {
    const partitions = b.progress ?? [];
    return {
      id: b.id,
      customerId: b.customerId,
      triggerId: b.triggerId,
      triggerRevision: b.triggerRevision,
      from: b.from.toISOString(),
      to: b.to.toISOString(),
      redeliver: b.redeliver,
      ratePerSecond: b.ratePerSecond,
      status: b.status,
      partitions: partitions.map(({ topic, partition, start, end, position }) => ({ topic, partition, start, end, position })),
      ...rangeProgress(partitions),
      scanned: b.scanned,
      matched: b.matched,
      produced: b.produced,
      alreadyDelivered: b.alreadyDelivered,
      invalid: b.invalid,
      error: b.error,
      createdBy: b.createdBy,
      createdAt: b.createdAt.toISOString(),
      updatedAt: b.updatedAt.toISOString(),
      finishedAt: b.finishedAt?.toISOString() ?? null,
    };
  }
}
