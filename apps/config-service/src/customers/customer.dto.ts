import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PII_PATH_PATTERN } from '@postback/security';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import type { CustomerEntity } from './customer.entity';

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** A delivery objective: `percent` % of live deliveries delivered within `withinSeconds` of the event, over a window of `windowMinutes`. */
export class DeliveryObjectiveDto {
  @ApiProperty({ minimum: 1, maximum: 100, description: 'Share of live deliveries that must meet the deadline, in percent', example: 99 })
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(1)
  @Max(100)
  percent!: number;

  @ApiProperty({ minimum: 1, maximum: 86400, description: "Deadline from the event's occurredAt to the successful attempt, in seconds", example: 60 })
  @IsInt()
  @Min(1)
  @Max(86_400)
  withinSeconds!: number;

  @ApiProperty({ minimum: 5, maximum: 10080, description: 'The rolling window the share is computed over, in minutes', example: 60 })
  @IsInt()
  @Min(5)
  @Max(10_080)
  windowMinutes!: number;
}

export class CreateCustomerDto {
  @ApiPropertyOptional({
    description: 'The id the order platform uses for this customer: order events carry it as `customerId`. Generated when omitted.',
    example: 'cus_nordic_apparel',
  })
  @IsOptional()
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: 'id must be 1-100 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit' })
  id?: string;

  @ApiProperty({ example: 'Nordic Apparel AB' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'Reference in another system (CRM, ERP)', example: 'ERP-100482' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalRef?: string;

  @ApiPropertyOptional({ example: 'integrations@nordic-apparel.example' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  contactEmail?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: 3650,
    description: "Days the delivery log keeps this customer's deliveries and attempts; null or absent: the platform's RETENTION_DELIVERIES_DAYS",
    example: 90,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDeliveriesDays?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: 3650,
    description:
      "Days the delivery log keeps this customer's event payloads and request bodies (the delivery row stays, without them: it can no longer be replayed); null or absent: the platform's RETENTION_PAYLOADS_DAYS",
    example: 14,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionPayloadsDays?: number | null;

  @ApiPropertyOptional({
    type: DeliveryObjectiveDto,
    nullable: true,
    description: 'Its delivery objective (SLA), measured by GET /customers/{customerId}/sla and exported as metrics; null or absent: none',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeliveryObjectiveDto)
  deliveryObjective?: DeliveryObjectiveDto | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description:
      "Paths of personal data in this customer's order events (dotted, `*` for any key or array element), masked wherever a person reads stored data " +
      "(the postback itself is not masked); null or absent: the platform's PII_PATHS. An empty list masks nothing.",
    example: ['data.shippingAddress', 'data.billingAddress', 'data.customer.email'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @Matches(PII_PATH_PATTERN, { each: true, message: 'each path must be dotted keys or *, e.g. data.customer.email or data.items.*.name' })
  piiPaths?: string[] | null;
}

export class UpdateCustomerDto extends PartialType(OmitType(CreateCustomerDto, ['id'] as const)) {}

export class ListCustomersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches id, name or external reference (substring)', example: 'nordic' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CustomerDto {
  @ApiProperty({ example: 'cus_nordic_apparel', description: 'The id order events carry as `customerId`' }) id!: string;
  @ApiProperty({ example: 'Nordic Apparel AB' }) name!: string;
  @ApiProperty({ nullable: true, example: 'ERP-100482', type: String, description: 'Reference in another system (CRM, ERP)' }) externalRef!: string | null;
  @ApiProperty({ nullable: true, example: 'integrations@nordic-apparel.example', type: String }) contactEmail!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null, description: "Days its deliveries are kept; null: the platform's default" })
  retentionDeliveriesDays!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 14, description: "Days its event payloads are kept; null: the platform's default" })
  retentionPayloadsDays!: number | null;
  @ApiProperty({ type: DeliveryObjectiveDto, nullable: true, description: 'Its delivery objective (SLA); null: none' })
  deliveryObjective!: DeliveryObjectiveDto | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['data.shippingAddress', 'data.customer.email'],
    description: "Paths of personal data in its events; null: the platform's default (PII_PATHS)",
  })
  piiPaths!: string[] | null;
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:12:44.120Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T15:30:02.511Z' }) updatedAt!: string;

  static from(e: CustomerEntity): CustomerDto {
    return {
      id: e.id,
      name: e.name,
      externalRef: e.externalRef,
      contactEmail: e.contactEmail,
      retentionDeliveriesDays: e.retentionDeliveriesDays,
      retentionPayloadsDays: e.retentionPayloadsDays,
      deliveryObjective: objectiveOf(e),
      piiPaths: e.piiPaths,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export function objectiveOf(e: CustomerEntity): DeliveryObjectiveDto | null {
  if (e.slaPercent === null || e.slaWithinSeconds === null || e.slaWindowMinutes === null) return null;
  return { percent: e.slaPercent, withinSeconds: e.slaWithinSeconds, windowMinutes: e.slaWindowMinutes };
}
