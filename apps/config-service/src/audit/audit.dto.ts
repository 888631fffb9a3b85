import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import type { AuditEntryEntity } from './audit-entry.entity';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['customer', 'template', 'trigger', 'api-key'] })
  @IsOptional()
  @IsIn(['customer', 'template', 'trigger', 'api-key'])
  entityType?: string;

  @ApiPropertyOptional({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Only entries at or after this time', example: '2026-05-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'Only entries before this time' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'API key id, or "bootstrap" for the key from configuration' }) actorKeyId!: string;
  @ApiProperty() actorName!: string;
  @ApiProperty({ example: 'trigger.activate' }) action!: string;
  @ApiProperty({ enum: ['customer', 'template', 'trigger', 'api-key'] }) entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiPropertyOptional() details?: Record<string, unknown>;

  static from(e: AuditEntryEntity): AuditEntryDto {
    return {
      id: e.id,
      at: e.at.toISOString(),
      actorKeyId: e.actorKeyId,
      actorName: e.actorName,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      ...(e.details ? { details: e.details } : {}),
    };
  }
}
