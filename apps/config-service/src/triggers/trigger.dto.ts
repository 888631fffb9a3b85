import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  DELIVERY_CHANNELS,
  DeliveryChannel,
  ORDER_EVENT_TYPES,
  OrderEventType,
  ORDERING_MODES,
  OrderingMode,
  OUT_OF_ORDER_POLICIES,
  OutOfOrderPolicy,
  TriggerStatus,
} from '@postback/contracts';
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
import { ANY_JSON_VALUE } from '../common/api-docs';
import { PageQueryDto } from '../common/pagination.dto';
import { CreateCustomerTemplateDto } from '../templates/template.dto';
import type { ConfigChange } from './trigger-revisions';
import type { RevisionView, TriggerView } from './triggers.service';

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

  @ApiPropertyOptional({ example: ['logistics@nordic-apparel.example'], description: 'Copies, up to 20' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  cc?: string[];

  @ApiPropertyOptional({ example: ['audit@nordic-apparel.example'], description: 'Blind copies, up to 20' })
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

  @ApiPropertyOptional({ enum: DELIVERY_CHANNELS, default: 'http', description: 'Delivery method: URL (http) or email' })
  @IsOptional()
  @IsIn(DELIVERY_CHANNELS)
  channel?: DeliveryChannel;

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

  @ApiPropertyOptional({
    enum: ['json'],
    default: 'json',
    example: 'json',
    description: "Kept for compatibility, always json: what a trigger sends (json, xml or form) is its template's format",
  })
  @IsOptional()
  @IsIn(['json'])
  format?: 'json';

  @ApiPropertyOptional({
    example: { 'X-Shop-Token': 'abc123' },
    additionalProperties: { type: 'string' },
    description: `Extra request headers, at most 20; these are set by the platform and refused: ${[...RESERVED_HEADERS].join(', ')}, x-postback-*`,
  })
  @IsOptional()
  @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: true, example: true, description: 'Retry on failure (network errors, timeouts, 408, 429, 5xx)' })
  @IsOptional()
  @IsBoolean()
  retryOnFailure?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 8, example: 8, description: 'Attempts in all, the first included' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxAttempts?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 100, maximum: 60000, default: 15000, example: 10000, description: 'Time limit of one attempt, in ms' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60000)
  timeoutMs?: number;

  @ApiPropertyOptional({
    enum: ORDERING_MODES,
    default: 'none',
    example: 'per-order',
    description:
      'per-order: while a delivery of this trigger for an order waits for a retry, its later deliveries for the same order wait behind it ' +
      '(other orders and triggers go on). none: no ordering beyond first attempts in arrival order',
  })
  @IsOptional()
  @IsIn(ORDERING_MODES)
  ordering?: OrderingMode;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 10,
    maximum: 604800,
    default: 3600,
    example: 3600,
    description: 'per-order: how long an order waits behind a delivery being retried before it gives up waiting (recorded and alerted)',
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(604800)
  orderingMaxWaitSeconds?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 200,
    default: 50,
    example: 50,
    description: 'per-order: how many deliveries may wait behind one order before it gives up waiting (recorded and alerted)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  orderingMaxQueued?: number;

  @ApiPropertyOptional({
    enum: OUT_OF_ORDER_POLICIES,
    default: 'deliver',
    example: 'annotate',
    description:
      'An event older than the last one routed for its order, or going backwards in the order lifecycle: deliver it, skip it ' +
      '(recorded in the delivery log), or annotate it (delivered with meta.lifecycle = { previous, outOfOrder, stale })',
  })
  @IsOptional()
  @IsIn(OUT_OF_ORDER_POLICIES)
  outOfOrder?: OutOfOrderPolicy;

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

  @ApiPropertyOptional({ description: 'Pin a template version; omit (or null) to follow the latest', nullable: true, type: 'integer', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  templateVersion?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { type: 'object', required: ['orderNumber'], properties: { orderNumber: { type: 'string' } } },
    description:
      "The customer's output contract: a JSON Schema (2020-12, no remote references) every rendered JSON payload must meet. Preview shows " +
      'mismatches; a test-fire or live delivery that does not meet it is not sent (SCHEMA_MISMATCH, with the failing paths). null removes it',
  })
  @IsOptional()
  @IsObject()
  outputSchema?: Record<string, unknown> | null;
}

/** The channel stays as created; the template can be switched with templateId (inline creation is for create only). */
export class UpdateTriggerDto extends PartialType(OmitType(CreateTriggerDto, ['channel', 'template'] as const)) {}

export class ActivateTriggerDto {
  @ApiPropertyOptional({
    default: false,
    example: false,
    description: 'Activate without a passing test of the current configuration (recorded in the audit log)',
  })
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
    additionalProperties: true,
    example: { id: 'ord_test_1', reference: 'PO-1' },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1000,
    maximum: 60000,
    default: 20000,
    example: 20000,
    description: 'How long to wait for the outcome, in ms',
  })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(60000)
  timeoutMs?: number;
}

export class ListTriggersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['draft', 'active', 'paused'], description: 'Only triggers in this status' })
  @IsOptional()
  @IsIn(['draft', 'active', 'paused'])
  status?: TriggerStatus;

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: 'Only triggers subscribed to this event type' })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 7 * 24 * 3600,
    default: 86400,
    example: 86400,
    description: 'Seconds the old secret keeps signing beside the new one (0: it stops at once)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  graceSeconds?: number;
}

/** The last test-fire of a trigger. */
export class LastTestDto {
  @ApiProperty({ format: 'date-time', example: '2026-05-06T09:41:12.380Z' }) at!: string;
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', description: 'Its delivery id, to look up in the delivery log' }) deliveryId!: string;
  @ApiProperty({ example: 'delivered', description: 'delivered passes; failed or skipped do not' }) outcome!: string;
}

export class TriggerDto {
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) id!: string;
  @ApiProperty({ example: 'cus_nordic_apparel' }) customerId!: string;
  @ApiProperty({ example: 'Shop backend: shipments' }) name!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES, isArray: true, example: ['order.shipped', 'order.delivered'] }) eventTypes!: OrderEventType[];
  @ApiProperty({ enum: DELIVERY_CHANNELS, description: 'Delivery method: URL (http) or email' }) channel!: DeliveryChannel;
  @ApiProperty({ nullable: true, type: String, example: 'https://shop.nordic-apparel.example/hooks/orders', description: 'null for email triggers' })
  url!: string | null;
  @ApiPropertyOptional({ type: () => EmailConfigDto, description: 'Only for email triggers' }) email?: EmailConfigDto;
  @ApiProperty({ enum: ['POST', 'PUT', 'PATCH'] }) method!: string;
  @ApiProperty({ enum: ['json'], description: "Always json (kept for compatibility): what the trigger sends is its template's format" }) format!: string;
  @ApiProperty({ additionalProperties: { type: 'string' }, example: { 'X-Shop-Token': 'abc123' }, description: 'Extra request headers' })
  headers!: Record<string, string>;
  @ApiProperty({ example: true, description: 'Retry on failure (network errors, timeouts, 408, 429, 5xx)' }) retryOnFailure!: boolean;
  @ApiProperty({ type: 'integer', example: 8, description: 'Attempts in all, the first included' }) maxAttempts!: number;
  @ApiProperty({ type: 'integer', example: 10000, description: 'Time limit of one attempt, in ms' }) timeoutMs!: number;
  @ApiProperty({ enum: ORDERING_MODES, example: 'none', description: 'Per-order sequence: none or per-order' }) ordering!: OrderingMode;
  @ApiProperty({ type: 'integer', example: 3600, description: 'per-order: seconds an order waits behind a retry before it gives up waiting' })
  orderingMaxWaitSeconds!: number;
  @ApiProperty({ type: 'integer', example: 50, description: 'per-order: deliveries that may wait behind one order before it gives up waiting' })
  orderingMaxQueued!: number;
  @ApiProperty({ enum: OUT_OF_ORDER_POLICIES, example: 'deliver', description: 'Stale or backwards events: deliver, skip or annotate' })
  outOfOrder!: OutOfOrderPolicy;
  @ApiProperty({ example: 'tpl_8f3k2m9x1c4v7b6n5q0z' }) templateId!: string;
  @ApiProperty({ nullable: true, type: 'integer', example: null, description: 'The pinned template version; null follows the latest' })
  templateVersion!: number | null;
  @ApiProperty({ enum: ['draft', 'active', 'paused'], description: 'Only active triggers receive events' }) status!: TriggerStatus;
  @ApiPropertyOptional({ description: 'Why the platform paused it, e.g. the receiver answered 410 Gone', example: 'the receiver answered 410 Gone' })
  pausedReason?: string;
  @ApiProperty({ type: 'integer', description: 'Bumped on every published change (not a revision number: see liveRevision, draftRevision)', example: 4 })
  revision!: number;
  @ApiProperty({ nullable: true, type: 'integer', example: 3, description: 'The revision live events are sent with; null until the first activation' })
  liveRevision!: number | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    example: 4,
    description: 'The newest revision when it is not live yet: the settings above are its settings; test-fire tests it',
  })
  draftRevision!: number | null;
  @ApiProperty({
    description: 'Changes waiting for a test: the trigger is live with an older revision (or an older template version) than the settings above',
    example: false,
  })
  pendingChanges!: boolean;
  @ApiProperty({ nullable: true, type: 'integer', example: 2, description: 'The template version live events are rendered with (pinned on activation)' })
  liveTemplateVersion!: number | null;
  @ApiProperty({ type: 'integer', example: 3, description: "The template's newest version; newer than liveTemplateVersion means an update is available" })
  latestTemplateVersion!: number;
  @ApiProperty({ description: 'Whether the current configuration passed a test-fire (activation needs it, unless forced)', example: true })
  testedCurrentConfig!: boolean;
  @ApiPropertyOptional({ type: () => LastTestDto, description: 'The last test-fire: when, its delivery id and outcome' }) lastTest?: LastTestDto;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-05-07T09:41:12.380Z',
    description: 'After a rotation: until when the previous secret signs too (both signatures are sent); null when only the current one signs',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { type: 'object', required: ['orderNumber'], properties: { orderNumber: { type: 'string' } } },
    description: 'The output contract (JSON Schema) rendered payloads are checked against; null when there is none',
  })
  outputSchema!: object | null;
  @ApiPropertyOptional({ description: 'Only in the responses to create and rotate-secret: store it now', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  signingSecret?: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:20:01.774Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T09:41:12.380Z' }) updatedAt!: string;

  static from(v: TriggerView, signingSecret?: string): TriggerDto {
    const t = v.trigger;
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
      ordering: t.ordering,
      orderingMaxWaitSeconds: t.orderingMaxWaitSeconds,
      orderingMaxQueued: t.orderingMaxQueued,
      outOfOrder: t.outOfOrder,
      templateId: t.templateId,
      templateVersion: t.templateVersion,
      status: t.status,
      ...(t.pausedReason ? { pausedReason: t.pausedReason } : {}),
      revision: t.revision,
      liveRevision: t.liveRevision,
      draftRevision: t.draftRevision,
      pendingChanges: v.pendingChanges,
      liveTemplateVersion: t.liveTemplateVersion,
      latestTemplateVersion: v.latestTemplateVersion,
      testedCurrentConfig: v.tested,
      ...(t.lastTestAt && t.lastTestDeliveryId
        ? { lastTest: { at: t.lastTestAt.toISOString(), deliveryId: t.lastTestDeliveryId, outcome: t.lastTestOutcome ?? 'unknown' } }
        : {}),
      outputSchema: t.outputSchema ?? null,
      previousSecretExpiresAt:
        t.previousSecretSealed && t.previousSecretExpiresAt && t.previousSecretExpiresAt.getTime() > Date.now()
          ? t.previousSecretExpiresAt.toISOString()
          : null,
      ...(signingSecret ? { signingSecret } : {}),
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}

/** A trigger's current signing secret. */
export class SigningSecretDto {
  @ApiProperty({ description: 'The secret postbacks are signed with (Standard Webhooks)', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  signingSecret!: string;
}

/** Restore an earlier revision. */
export class RestoreRevisionDto {
  @ApiPropertyOptional({
    default: false,
    example: true,
    description: 'Activate it in the same call (a rollback): needs a passed test of that configuration, as any activation does, or force',
  })
  @IsOptional()
  @IsBoolean()
  activate?: boolean;

  @ApiPropertyOptional({ default: false, example: false, description: 'With activate: activate without a passed test (recorded in the audit log)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Why, when forcing', example: 'rolling back a broken mapping' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RevisionChangeDto {
  @ApiProperty({ example: 'url', description: "The setting, named as in a trigger's fields" }) field!: string;
  @ApiProperty({ ...ANY_JSON_VALUE, description: 'Its value in the revision before (null for the first)', example: 'https://old.example/hooks' })
  from!: unknown;
  @ApiProperty({ ...ANY_JSON_VALUE, description: 'Its value in this revision', example: 'https://new.example/hooks' }) to!: unknown;
}

export class TriggerSettingsDto {
  @ApiProperty({ example: 'Shop backend: shipments' }) name!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES, isArray: true }) eventTypes!: OrderEventType[];
  @ApiProperty({ nullable: true, type: String, example: 'https://shop.nordic-apparel.example/hooks/orders', description: 'null for email triggers' })
  url!: string | null;
  @ApiProperty({ enum: ['POST', 'PUT', 'PATCH'] }) method!: string;
  @ApiProperty({ enum: ['json', 'html', 'text'] }) format!: string;
  @ApiProperty({ additionalProperties: { type: 'string' }, example: { 'X-Shop-Token': 'abc123' }, description: 'Extra request headers' })
  headers!: Record<string, string>;
  @ApiProperty({ example: true, description: 'Retry on failure' }) retryOnFailure!: boolean;
  @ApiProperty({ type: 'integer', example: 8, description: 'Attempts in all, the first included' }) maxAttempts!: number;
  @ApiProperty({ type: 'integer', example: 10000, description: 'Time limit of one attempt, in ms' }) timeoutMs!: number;
  @ApiPropertyOptional({ enum: ORDERING_MODES, example: 'none', description: 'Per-order sequence (absent in revisions from before it existed: none)' })
  ordering?: OrderingMode;
  @ApiPropertyOptional({ type: 'integer', example: 3600, description: 'per-order: seconds an order waits behind a retry' }) orderingMaxWaitSeconds?: number;
  @ApiPropertyOptional({ type: 'integer', example: 50, description: 'per-order: deliveries that may wait behind one order' }) orderingMaxQueued?: number;
  @ApiPropertyOptional({ enum: OUT_OF_ORDER_POLICIES, example: 'deliver', description: 'Stale or backwards events (absent: deliver)' })
  outOfOrder?: OutOfOrderPolicy;
  @ApiProperty({ example: 'tpl_8f3k2m9x1c4v7b6n5q0z' }) templateId!: string;
  @ApiProperty({ nullable: true, type: 'integer', example: null, description: 'The pinned template version; null follows the latest' })
  templateVersion!: number | null;
  @ApiPropertyOptional({ type: () => EmailConfigDto, nullable: true, description: 'Email settings; null for URL triggers' }) email?: EmailConfigDto | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { type: 'object', required: ['orderNumber'], properties: { orderNumber: { type: 'string' } } },
    description: 'The output contract, or null',
  })
  outputSchema?: object | null;
}

export class TriggerRevisionDto {
  @ApiProperty({ type: 'integer', example: 4 }) number!: number;
  @ApiProperty({ example: 'updated', description: 'created, updated, restored from revision n, template version n' }) source!: string;
  @ApiProperty({ example: 'console-admin', description: 'The API key that made the change' }) createdBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-30T09:20:01.774Z' }) createdAt!: string;
  @ApiProperty({ description: 'Live events are sent with this revision' }) live!: boolean;
  @ApiProperty({ description: 'The newest revision, waiting for a test and activation' }) draft!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When a test-fire of this configuration passed' })
  testedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When it went live' }) activatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The API key that activated it' }) activatedBy!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'The template version it went live with' }) templateVersion!: number | null;
  @ApiProperty({ type: () => TriggerSettingsDto }) settings!: TriggerSettingsDto;
  @ApiProperty({ type: () => RevisionChangeDto, isArray: true, description: 'What changed from the revision before' })
  changes!: RevisionChangeDto[];

  static from(v: RevisionView): TriggerRevisionDto {
    const r = v.revision;
    return {
      number: r.number,
      source: r.source,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      live: v.live,
      draft: v.draft,
      testedAt: r.testedAt?.toISOString() ?? null,
      activatedAt: r.activatedAt?.toISOString() ?? null,
      activatedBy: r.activatedBy,
      templateVersion: r.templateVersion,
      settings: r.config,
      changes: v.changes.map((c: ConfigChange) => ({ field: c.field, from: c.from, to: c.to })),
    };
  }
}
