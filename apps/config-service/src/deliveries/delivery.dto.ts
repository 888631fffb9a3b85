import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType } from '@postback/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import type { DeliveryAttemptEntity, DeliveryEntity, DeliveryStatus } from './delivery.entity';

const STATUSES: DeliveryStatus[] = ['delivered', 'failed', 'retrying', 'skipped'];

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) customerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) triggerId?: string;
  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES }) @IsOptional() @IsIn(ORDER_EVENT_TYPES) eventType?: OrderEventType;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: DeliveryStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) eventId?: string;

  @ApiPropertyOptional({ description: 'Only test-fires (true) or only live deliveries (false)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  test?: boolean;

  @ApiPropertyOptional({ description: 'Last attempt at or after', example: '2026-05-01T00:00:00Z' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Last attempt before' }) @IsOptional() @IsISO8601() to?: string;
}

export class DeliveryDto {
  @ApiProperty({ example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', description: 'Sent as webhook-id' }) deliveryId!: string;
  @ApiProperty() triggerId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES }) eventType!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ['http', 'email'] }) channel!: string;
  @ApiProperty({ enum: STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty() test!: boolean;
  @ApiProperty() firstAttemptAt!: string;
  @ApiProperty() lastAttemptAt!: string;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorCode!: string | null;

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

export class AttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: ['delivered', 'retry_scheduled', 'failed', 'skipped'] }) outcome!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ description: "From the event's occurredAt to the end of this attempt" }) endToEndMs!: number;
  @ApiPropertyOptional({ description: 'url, method, bytes; headers and body for test-fires' }) request?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'status, headers, bodyExcerpt' }) response?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'code, message' }) error?: { code: string; message: string };
  @ApiPropertyOptional() nextAttemptAt?: string;

  static from(a: DeliveryAttemptEntity): AttemptDto {
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
    };
  }
}

export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({ type: [AttemptDto] }) attemptLog!: AttemptDto[];
}
