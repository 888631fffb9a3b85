import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import type { ReplayJobEntity } from './replay-job.entity';

export class StartReplayDto {
  @ApiProperty({ description: 'Failed deliveries whose last attempt is at or after this time', example: '2026-05-01T00:00:00Z' })
  @IsISO8601()
  from!: string;

  @ApiProperty({ description: '…and before this time', example: '2026-05-02T00:00:00Z' })
  @IsISO8601()
  to!: string;
}

export class ReplayJobDto {
  @ApiProperty({ example: 'rpl_3k9x1c4v7b6n5q0z8f2m' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() triggerId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status!: string;
  @ApiProperty({ description: 'Failed deliveries in the range when the job was created' }) total!: number;
  @ApiProperty({ description: 'Sent again so far' }) replayed!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static from(j: ReplayJobEntity): ReplayJobDto {
    return {
      id: j.id,
      customerId: j.customerId,
      triggerId: j.triggerId,
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
