import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const STATS_WINDOWS = ['1h', '24h'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

export class StatsQueryDto {
  @ApiPropertyOptional({ enum: STATS_WINDOWS, default: '1h', description: 'The last hour (5-minute buckets) or the last day (1-hour buckets)' })
  @IsOptional()
  @IsIn(STATS_WINDOWS)
  window: StatsWindow = '1h';

  @ApiPropertyOptional({ description: "Only this customer's deliveries", example: 'cus_nordic_apparel' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;
}

export class FailingTriggersQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 5, description: 'How many triggers', example: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 5;
}

export class OutcomeCountsDto {
  @ApiProperty({ example: 118 }) delivered!: number;
  @ApiProperty({ example: 2, description: 'Dead-lettered: every attempt failed, or the failure was permanent' }) failed!: number;
  @ApiProperty({ example: 3, description: 'Waiting for their next attempt' }) retrying!: number;
  @ApiProperty({ example: 0 }) skipped!: number;
}

export class OutcomeBucketDto extends OutcomeCountsDto {
  @ApiProperty({ example: '2026-11-30T10:05:00.000Z', description: 'Start of the bucket' }) start!: string;
}

export class DeliveryStatsDto {
  @ApiProperty({ enum: STATS_WINDOWS, example: '1h' }) window!: StatsWindow;
  @ApiProperty({ example: '2026-11-30T09:15:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-11-30T10:15:00.000Z' }) to!: string;
  @ApiProperty({ example: 300 }) bucketSeconds!: number;
  @ApiProperty({ type: [OutcomeBucketDto], description: 'Live deliveries (tests excluded) by outcome, by the time of their latest attempt' })
  buckets!: OutcomeBucketDto[];
  @ApiProperty({ type: OutcomeCountsDto, description: 'The buckets summed' }) totals!: OutcomeCountsDto;
  @ApiProperty({ example: 4, description: 'Dead letters waiting: failed live deliveries, any time, not yet replayed' }) deadLetters!: number;
}

export class FailingTriggerDto {
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) triggerId!: string;
  @ApiProperty({ example: 'cus_nordic_apparel' }) customerId!: string;
  @ApiProperty({ example: 'Shop backend: shipments', nullable: true, type: String, description: 'null when the trigger was deleted' })
  triggerName!: string | null;
  @ApiProperty({ example: 'active', nullable: true, type: String }) triggerStatus!: string | null;
  @ApiProperty({ example: 7 }) failed!: number;
  @ApiProperty({ example: 2 }) retrying!: number;
  @ApiProperty({ example: 40, description: 'Deliveries in the window' }) total!: number;
  @ApiProperty({ example: 'HTTP_503', nullable: true, type: String }) lastErrorCode!: string | null;
  @ApiProperty({ example: '2026-11-30T10:12:31.000Z' }) lastAttemptAt!: string;
}
