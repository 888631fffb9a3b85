import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import type { AuditEntryEntity } from './audit-entry.entity';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['customer', 'template', 'trigger', 'api-key', 'replay', 'delivery'], description: 'Only changes to this kind of entity' })
  @IsOptional()
  @IsIn(['customer', 'template', 'trigger', 'api-key', 'replay', 'delivery'])
  entityType?: string;

  @ApiPropertyOptional({ example: 'trg_2m9x1c4v7b6n5q0z8f3k', description: 'Only changes to the entity with this id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Only entries at or after this time', example: '2026-05-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'Only entries before this time', example: '2026-05-08T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '4812', description: 'Sequence number: higher is later' }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T15:30:02.511Z' }) at!: string;
  @ApiProperty({ description: 'API key id, or "bootstrap" for the key from configuration', example: 'key_4f8k2m9x1c4v7b6n5q0z' }) actorKeyId!: string;
  @ApiProperty({ example: 'CI deploy pipeline', description: 'Name of that API key' }) actorName!: string;
  @ApiProperty({ example: 'trigger.activate', description: '`<entity>.<change>`, e.g. customer.create, template.restore, trigger.activate.forced' })
  action!: string;
  @ApiProperty({ enum: ['customer', 'template', 'trigger', 'api-key', 'replay', 'delivery'] }) entityType!: string;
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) entityId!: string;
  @ApiPropertyOptional({ description: 'What changed: depends on the action', additionalProperties: true, example: { changed: ['url', 'headers'] } })
  details?: Record<string, unknown>;

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
