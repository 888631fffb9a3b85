import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType } from '@postback/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ReplayJobEntity } from './replay-job.entity';

export class StartReplayDto {
  @ApiProperty({ description: 'Failed deliveries whose last attempt is at or after this time', example: '2026-05-01T00:00:00Z' })
  @IsISO8601()
  from!: string;

  @ApiProperty({ description: '…and before this time', example: '2026-05-02T00:00:00Z' })
  @IsISO8601()
  to!: string;
}

/** A bulk replay by filter: any combination of customer, trigger and event type, in a time range. */
export class StartFilteredReplayDto extends StartReplayDto {
  @ApiPropertyOptional({ description: "Only this customer's deliveries", example: 'cus_nordic_apparel' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;

  @ApiPropertyOptional({ description: "Only this trigger's deliveries", example: 'trg_2m9x1c4v7b6n5q0z8f3k' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  triggerId?: string;

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: 'Only deliveries of this event type', example: 'order.shipped' })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;
}

export class ListReplaysQueryDto {
  @ApiPropertyOptional({ description: "Only jobs limited to this customer's deliveries", example: 'cus_nordic_apparel' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;

  @ApiPropertyOptional({ description: "Only jobs limited to this trigger's deliveries", example: 'trg_2m9x1c4v7b6n5q0z8f3k' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  triggerId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, description: 'How many jobs, newest first', example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class ReplayOneResultDto {
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', description: 'The same delivery id (webhook-id) as before' }) deliveryId!: string;
  @ApiProperty({ example: 3, description: 'The attempt number the replay will have' }) attempt!: number;
}

export class ReplayJobDto {
  @ApiProperty({ example: 'rpl_3k9x1c4v7b6n5q0z8f2m' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'cus_nordic_apparel', description: 'Filter: null for every customer' }) customerId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'trg_2m9x1c4v7b6n5q0z8f3k', description: 'Filter: null for every trigger' }) triggerId!: string | null;
  @ApiProperty({ nullable: true, enum: ORDER_EVENT_TYPES, example: null, description: 'Filter: null for every event type' }) eventType!: OrderEventType | null;
  @ApiProperty({ example: '2026-05-01T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-02T00:00:00.000Z' }) to!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'], example: 'running' }) status!: string;
  @ApiProperty({ description: 'Failed deliveries that matched when the job was created', example: 120 }) total!: number;
  @ApiProperty({ description: 'Sent again so far', example: 80 }) replayed!: number;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the job failed' }) error!: string | null;
  @ApiProperty({ example: 'bootstrap admin key', description: 'Name of the API key that started it' }) createdBy!: string;
  @ApiProperty({ example: '2026-05-02T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, example: null }) finishedAt!: string | null;

  static from(j: ReplayJobEntity): ReplayJobDto {
    return {
      id: j.id,
      customerId: j.customerId,
      triggerId: j.triggerId,
      eventType: j.eventType,
      from: j.from.toISOString(),
      to: j.to.toISOString(),
      status: j.status,
      total: j.total,
      replayed: j.replayed,
      error: j.error,
      createdBy: j.createdBy,
      createdAt: j.createdAt.toISOString(),
      finishedAt: j.finishedAt?.toISOString() ?? null,
    };
  }
}
