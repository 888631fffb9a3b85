import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType, TriggerStatus } from '@postback/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import type { TriggerEntity } from './trigger.entity';

/** Headers that the platform sets itself and an operator may not override. */
export const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'user-agent',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Custom headers: at most 20, RFC 7230 names, no CR/LF in values, reserved names refused. */
function IsHeaderMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHeaderMap',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return (
            entries.length <= 20 &&
            entries.every(
              ([k, v]) =>
                TOKEN.test(k) &&
                k.length <= 100 &&
                !RESERVED_HEADERS.has(k.toLowerCase()) &&
                !k.toLowerCase().startsWith('x-postback-') &&
                typeof v === 'string' &&
                v.length <= 2000 &&
                !/[\r\n\0]/.test(v),
            )
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must map at most 20 header names (letters, digits, -) to single-line text; these are set by the platform: ${[...RESERVED_HEADERS].join(', ')}, x-postback-*`;
        },
      },
    });
}

export class CreateTriggerDto {
  @ApiProperty({ example: 'Shop backend: shipments' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ORDER_EVENT_TYPES, isArray: true, example: ['order.shipped', 'order.delivered'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_EVENT_TYPES.length)
  @IsIn(ORDER_EVENT_TYPES, { each: true })
  eventTypes!: OrderEventType[];

  @ApiPropertyOptional({ enum: ['http'], default: 'http', description: 'Delivery method: URL (http)' })
  @IsOptional()
  @IsIn(['http'])
  channel?: 'http';

  @ApiProperty({ example: 'https://shop.nordic-apparel.example/hooks/orders' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: 'url must be an absolute http or https URL' },
  )
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ enum: ['POST', 'PUT', 'PATCH'], default: 'POST' })
  @IsOptional()
  @IsIn(['POST', 'PUT', 'PATCH'])
  method?: 'POST' | 'PUT' | 'PATCH';

  @ApiPropertyOptional({ enum: ['json'], default: 'json' })
  @IsOptional()
  @IsIn(['json'])
  format?: 'json';

  @ApiPropertyOptional({ example: { 'X-Shop-Token': 'abc123' }, description: 'Extra request headers' })
  @IsOptional()
  @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: true, description: 'Retry on failure (network errors, timeouts, 408, 429, 5xx)' })
  @IsOptional()
  @IsBoolean()
  retryOnFailure?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 8, description: 'Attempts in all, the first included' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxAttempts?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: 60000, default: 15000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60000)
  timeoutMs?: number;

  @ApiProperty({ example: 'tpl_8f3k2m9x1c4v7b6n5q0z' })
  @IsString()
  @Length(1, 40)
  templateId!: string;

  @ApiPropertyOptional({ description: 'Pin a template version; omit to follow the latest', nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1)
  templateVersion?: number | null;

  @ApiPropertyOptional({ enum: ['draft', 'active', 'paused'], default: 'draft' })
  @IsOptional()
  @IsIn(['draft', 'active', 'paused'])
  status?: TriggerStatus;
}

export class UpdateTriggerDto extends PartialType(OmitType(CreateTriggerDto, ['channel'] as const)) {}

export class RotateSecretDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 7 * 24 * 3600, default: 86400, description: 'Seconds the old secret keeps signing' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  graceSeconds?: number;
}

export class TriggerDto {
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES, isArray: true }) eventTypes!: OrderEventType[];
  @ApiProperty({ enum: ['http'] }) channel!: 'http' | 'email';
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiProperty({ enum: ['POST', 'PUT', 'PATCH'] }) method!: string;
  @ApiProperty({ enum: ['json'] }) format!: string;
  @ApiProperty() headers!: Record<string, string>;
  @ApiProperty() retryOnFailure!: boolean;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty() templateId!: string;
  @ApiProperty({ nullable: true, type: Number }) templateVersion!: number | null;
  @ApiProperty({ enum: ['draft', 'active', 'paused'] }) status!: TriggerStatus;
  @ApiProperty({ description: 'Bumped on every published change' }) revision!: number;
  @ApiPropertyOptional({ description: 'Only in the responses to create and rotate-secret: store it now', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  signingSecret?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(t: TriggerEntity, signingSecret?: string): TriggerDto {
    return {
      id: t.id,
      customerId: t.customerId,
      name: t.name,
      eventTypes: t.eventTypes,
      channel: t.channel,
      url: t.url,
      method: t.method,
      format: t.format,
      headers: t.headers,
      retryOnFailure: t.retryEnabled,
      maxAttempts: t.maxAttempts,
      timeoutMs: t.timeoutMs,
      templateId: t.templateId,
      templateVersion: t.templateVersion,
      status: t.status,
      revision: t.revision,
      ...(signingSecret ? { signingSecret } : {}),
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}
