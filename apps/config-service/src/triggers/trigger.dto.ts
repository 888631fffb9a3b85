import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType, TriggerStatus } from '@postback/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { CreateCustomerTemplateDto } from '../templates/template.dto';
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

const SUBJECT_EXAMPLE = 'Order <%= it.data.reference %>: <%= it.type %>';

export class EmailConfigDto {
  @ApiProperty({ example: ['ops@nordic-apparel.example'], description: '1 to 20 recipients' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  to!: string[];

  @ApiPropertyOptional({ example: ['logistics@nordic-apparel.example'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  cc?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  bcc?: string[];

  @ApiProperty({ example: SUBJECT_EXAMPLE, description: 'Eta template over the event (plain text)' })
  @IsString()
  @Length(1, 500)
  subject!: string;
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

  @ApiPropertyOptional({ enum: ['http', 'email'], default: 'http', description: 'Delivery method: URL (http) or email' })
  @IsOptional()
  @IsIn(['http', 'email'])
  channel?: 'http' | 'email';

  @ApiPropertyOptional({ example: 'https://shop.nordic-apparel.example/hooks/orders', description: 'Required for the URL method' })
  @ValidateIf((o: CreateTriggerDto) => (o.channel ?? 'http') === 'http' || o.url !== undefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: 'url must be an absolute http or https URL' },
  )
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: () => EmailConfigDto, description: 'Required for the email method' })
  @ValidateIf((o: CreateTriggerDto) => o.channel === 'email' || o.email !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => EmailConfigDto)
  email?: EmailConfigDto;

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

  @ApiPropertyOptional({
    example: 'tpl_8f3k2m9x1c4v7b6n5q0z',
    description: "An existing template (global or this customer's); or give `template` to create one",
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  templateId?: string;

  @ApiPropertyOptional({ type: () => CreateCustomerTemplateDto, description: 'Create the template inline, under this customer, in the same request' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerTemplateDto)
  template?: CreateCustomerTemplateDto;

  @ApiPropertyOptional({ description: 'Pin a template version; omit to follow the latest', nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1)
  templateVersion?: number | null;
}

/** The channel stays as created; the template can be switched with templateId (inline creation is for create only). */
export class UpdateTriggerDto extends PartialType(OmitType(CreateTriggerDto, ['channel', 'template'] as const)) {}

export class ActivateTriggerDto {
  @ApiPropertyOptional({ default: false, description: 'Activate without a passing test of the current configuration (recorded in the audit log)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Why, when forcing', example: 'receiver verified by phone' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class TestTriggerDto {
  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: "Event type whose sample is sent (default: the trigger's first)" })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({
    description: "Custom order data instead of the sample (becomes the event's `data`; needs an `id`)",
    example: { id: 'ord_test_1', reference: 'PO-1' },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 1000, maximum: 60000, default: 20000, description: 'How long to wait for the outcome' })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(60000)
  timeoutMs?: number;
}

export class ListTriggersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['draft', 'active', 'paused'] })
  @IsOptional()
  @IsIn(['draft', 'active', 'paused'])
  status?: TriggerStatus;

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;
}

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
  @ApiProperty({ enum: ['http', 'email'] }) channel!: 'http' | 'email';
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiPropertyOptional({ type: () => EmailConfigDto }) email?: EmailConfigDto;
  @ApiProperty({ enum: ['POST', 'PUT', 'PATCH'] }) method!: string;
  @ApiProperty({ enum: ['json'] }) format!: string;
  @ApiProperty() headers!: Record<string, string>;
  @ApiProperty() retryOnFailure!: boolean;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty() templateId!: string;
  @ApiProperty({ nullable: true, type: Number }) templateVersion!: number | null;
  @ApiProperty({ enum: ['draft', 'active', 'paused'] }) status!: TriggerStatus;
  @ApiPropertyOptional({ description: 'Why the platform paused it, e.g. the receiver answered 410 Gone' }) pausedReason?: string;
  @ApiProperty({ description: 'Bumped on every published change' }) revision!: number;
  @ApiProperty({ description: 'Whether the current configuration passed a test-fire (activation needs it, unless forced)' }) testedCurrentConfig!: boolean;
  @ApiPropertyOptional({ description: 'The last test-fire: when, its delivery id and outcome' }) lastTest?: { at: string; deliveryId: string; outcome: string };
  @ApiPropertyOptional({ description: 'Only in the responses to create and rotate-secret: store it now', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  signingSecret?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(t: TriggerEntity, configHash: string, signingSecret?: string): TriggerDto {
    return {
      id: t.id,
      customerId: t.customerId,
      name: t.name,
      eventTypes: t.eventTypes,
      channel: t.channel,
      url: t.url,
      ...(t.email ? { email: t.email } : {}),
      method: t.method,
      format: t.format,
      headers: t.headers,
      retryOnFailure: t.retryEnabled,
      maxAttempts: t.maxAttempts,
      timeoutMs: t.timeoutMs,
      templateId: t.templateId,
      templateVersion: t.templateVersion,
      status: t.status,
      ...(t.pausedReason ? { pausedReason: t.pausedReason } : {}),
      revision: t.revision,
      testedCurrentConfig: t.testedConfigHash === configHash,
      ...(t.lastTestAt && t.lastTestDeliveryId
        ? { lastTest: { at: t.lastTestAt.toISOString(), deliveryId: t.lastTestDeliveryId, outcome: t.lastTestOutcome ?? 'unknown' } }
        : {}),
      ...(signingSecret ? { signingSecret } : {}),
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}
