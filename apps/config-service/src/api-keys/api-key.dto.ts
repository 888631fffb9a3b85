import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { API_KEY_SCOPES, ApiKeyEntity, ApiKeyScope } from './api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI deploy pipeline' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    example: ['read'],
    description: 'admin: everything but revealing personal data; read: GET only; pii:read: reveal stored personal data (audited), beside read or admin',
  })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];
}

export class ListApiKeysQueryDto {
  @ApiPropertyOptional({ default: false, example: true, description: 'Include revoked keys too' })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  includeRevoked?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ example: 'key_4f8k2m9x1c4v7b6n5q0z' }) id!: string;
  @ApiProperty({ example: 'CI deploy pipeline' }) name!: string;
  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    example: ['read'],
    description: 'admin: everything but revealing personal data; read: GET only; pii:read: reveal stored personal data (audited), beside read or admin',
  })
  scopes!: ApiKeyScope[];
  @ApiProperty({ example: 'pb_Xq3vN8a', description: 'First characters of the key' }) keyPrefix!: string;
  @ApiProperty({ example: 'bootstrap admin key', description: 'Name of the key that created this one' }) createdBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:12:44.120Z' }) createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-05-06T08:01:13.402Z',
    description: 'Last use, updated at most once a minute',
  })
  lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null, description: 'When it was revoked; null while it works' })
  revokedAt!: string | null;
  @ApiPropertyOptional({ description: 'The key itself: only in the response to create. Store it now.', example: 'pb_Xq3vN8a...' }) key?: string;

  static from(k: ApiKeyEntity, secret?: string): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      scopes: k.scopes,
      keyPrefix: k.keyPrefix,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
      ...(secret ? { key: secret } : {}),
    };
  }
}
