import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType } from '@postback/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import type { PersonalDataMask } from '@postback/security';
import { PageQueryDto } from '../common/pagination.dto';
import type { DeliveryAttemptEntity, DeliveryEntity, DeliveryStatus } from './delivery.entity';

const STATUSES: DeliveryStatus[] = ['delivered', 'failed', 'retrying', 'skipped', 'queued'];

export class DeliveryQueryDto extends PageQueryDto {
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

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: 'Only deliveries of this event type' })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({ enum: STATUSES, description: 'Only deliveries whose latest outcome is this' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ description: 'Only deliveries of this event (one per trigger it reached)', example: 'evt_01HZX3K9T4W6Q8R2M5N7P0B1C3' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  eventId?: string;

  @ApiPropertyOptional({ description: 'Only test-fires (true) or only live deliveries (false)', example: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  test?: boolean;

  @ApiPropertyOptional({ description: 'Last attempt at or after', example: '2026-05-01T00:00:00Z' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Last attempt before', example: '2026-05-08T00:00:00Z' }) @IsOptional() @IsISO8601() to?: string;
}

export class DeliveryDto {
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', description: 'Sent as webhook-id' }) deliveryId!: string;
  @ApiProperty({ example: 'trg_2m9x1c4v7b6n5q0z8f3k' }) triggerId!: string;
  @ApiProperty({ example: 'cus_nordic_apparel' }) customerId!: string;
  @ApiProperty({ example: 'evt_01HZX3K9T4W6Q8R2M5N7P0B1C3', description: 'The order event delivered' }) eventId!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ example: 'ord_7Q2M9K4XHB' }) orderId!: string;
  @ApiProperty({ enum: ['http', 'email'], description: 'Delivery method: URL (http) or email' }) channel!: string;
  @ApiProperty({ enum: STATUSES, description: 'Outcome so far: retrying while another attempt is due' }) status!: DeliveryStatus;
  @ApiProperty({ type: 'integer', example: 1, description: 'Attempts made so far' }) attempts!: number;
  @ApiProperty({ example: false, description: 'A test-fire, not a live delivery' }) test!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-05-05T14:03:10.412Z' }) firstAttemptAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-05T14:03:10.412Z' }) lastAttemptAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null, description: 'When the next retry is due; null when none is' })
  nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', example: 200, description: 'Status code of the last answer; null when none came' })
  lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Error code of the last attempt, e.g. TIMEOUT or HTTP_503' })
  lastErrorCode!: string | null;

  static from(d: DeliveryEntity): DeliveryDto {
    return {
      deliveryId: d.deliveryId,
      triggerId: d.triggerId,
      customerId: d.customerId,
      eventId: d.eventId,
      eventType: d.eventType,
      orderId: d.orderId,
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      test: Boolean(d.test),
      firstAttemptAt: d.firstAttemptAt.toISOString(),
      lastAttemptAt: d.lastAttemptAt.toISOString(),
      nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
      lastStatusCode: d.lastStatusCode,
      lastErrorCode: d.lastErrorCode,
    };
  }
}

/** What an attempt sent. */
export class AttemptRequestDto {
  @ApiProperty({ example: 'https://shop.nordic-apparel.example/hooks/orders', description: 'The URL, or smtp://host:port for email' }) url!: string;
  @ApiProperty({ nullable: true, type: String, example: 'POST', description: 'HTTP method, or SMTP' }) method!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', example: 412, description: 'Size of the body in bytes' }) bytes!: number | null;
  @ApiPropertyOptional({
    additionalProperties: { type: 'string' },
    description: 'The headers sent, signature included: test-fires only',
    example: { 'content-type': 'application/json', 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 'webhook-timestamp': '1778162590' },
  })
  headers?: Record<string, string>;
  @ApiPropertyOptional({ description: 'The body sent: test-fires only', example: '{"event":"order.shipped","orderId":"ord_7Q2M9K4XHB"}' }) body?: string;
}

/** What came back. */
export class AttemptResponseDto {
  @ApiProperty({ type: 'integer', example: 200, description: 'HTTP status, or the SMTP reply code' }) status!: number;
  @ApiProperty({ additionalProperties: { type: 'string' }, example: { 'content-type': 'application/json' }, description: 'Response headers' })
  headers!: Record<string, string>;
  @ApiProperty({ example: '{"ok":true}', description: 'The start of the response body' }) bodyExcerpt!: string;
}

/** Why an attempt failed before an answer came. */
export class AttemptErrorDto {
  @ApiProperty({ example: 'TIMEOUT', description: 'Stable error code' }) code!: string;
  @ApiProperty({ example: 'no response within 10000 ms' }) message!: string;
}

export class AttemptDto {
  @ApiProperty({ type: 'integer', example: 1, description: 'Attempt number, from 1' }) attempt!: number;
  @ApiProperty({ enum: ['delivered', 'retry_scheduled', 'failed', 'skipped'] }) outcome!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-05T14:03:10.412Z' }) startedAt!: string;
  @ApiProperty({ example: 182.4, description: 'How long the attempt took, in ms' }) durationMs!: number;
  @ApiProperty({ type: 'integer', description: "From the event's occurredAt to the end of this attempt, in ms", example: 641 }) endToEndMs!: number;
  @ApiPropertyOptional({ type: () => AttemptRequestDto, description: 'url, method, bytes; headers and body for test-fires' }) request?: AttemptRequestDto;
  @ApiPropertyOptional({ type: () => AttemptResponseDto, description: 'status, headers, bodyExcerpt' }) response?: AttemptResponseDto;
  @ApiPropertyOptional({ type: () => AttemptErrorDto, description: 'code, message' }) error?: AttemptErrorDto;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-05T14:03:40.412Z', description: 'When the retry that follows is due' }) nextAttemptAt?: string;
  @ApiPropertyOptional({
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description:
      "The W3C trace id of the attempt (32 hex characters): the order event's `traceparent`, or the trace the router started; look it up in the tracing backend. Absent when the attempt had no trace context.",
  })
  traceId?: string;

  /** `mask` hides personal data in what was sent and what came back (live deliveries: see DeliveriesController). */
  static from(a: DeliveryAttemptEntity, mask?: PersonalDataMask): AttemptDto {
    const m = mask && !mask.empty ? mask : undefined;
    if (m) {
      a = {
        ...a,
        requestHeaders: m.record(a.requestHeaders),
        requestBody: m.text(a.requestBody),
        responseHeaders: m.record(a.responseHeaders),
        responseExcerpt: m.text(a.responseExcerpt),
        errorMessage: m.text(a.errorMessage),
      };
    }
    return {
      attempt: a.attempt,
      outcome: a.outcome,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      endToEndMs: Number(a.endToEndMs),
      ...(a.requestUrl
        ? {
            request: {
              url: a.requestUrl,
              method: a.requestMethod,
              bytes: a.requestBytes,
              ...(a.requestHeaders ? { headers: a.requestHeaders } : {}),
              ...(a.requestBody !== null ? { body: a.requestBody } : {}),
            },
          }
        : {}),
      ...(a.statusCode !== null ? { response: { status: a.statusCode, headers: a.responseHeaders ?? {}, bodyExcerpt: a.responseExcerpt ?? '' } } : {}),
      ...(a.errorCode ? { error: { code: a.errorCode, message: a.errorMessage ?? '' } } : {}),
      ...(a.nextAttemptAt ? { nextAttemptAt: a.nextAttemptAt.toISOString() } : {}),
      ...(a.traceId ? { traceId: a.traceId } : {}),
    };
  }
}

export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({ type: [AttemptDto], description: 'Every attempt, first to last' }) attemptLog!: AttemptDto[];
}

export class RevealQueryDto {
  @ApiPropertyOptional({
    default: false,
    example: true,
    description: 'Show personal data unmasked: needs an API key with the `pii:read` scope, and every reveal is in the audit log',
  })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  reveal?: boolean;
}

export class DeliveryEventDto {
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' }) deliveryId!: string;
  @ApiProperty({ example: true, description: "Personal data (the customer's piiPaths, or PII_PATHS) is masked as ***" }) masked!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { id: 'evt_01HZX3K9T4W6Q8R2M5N7P0B1C3', type: 'order.shipped', data: { id: 'ord_7Q2M9K4XHB', shippingAddress: { name: '***' } } },
    description: 'The order event as it was delivered (kept for RETENTION_PAYLOADS_DAYS)',
  })
  event!: Record<string, unknown>;
}
