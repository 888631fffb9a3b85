import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType, TEMPLATE_FORMATS, TemplateFormat } from '@postback/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, ValidateNested, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { MappingRuleDto } from './mapping-rule.dto';
import type { TemplateEntity, TemplateVersionEntity } from './template.entity';

const EXAMPLE_BODY = `{
  "event": "<%= it.type %>",
  "orderId": <%~ json(it.data.id) %>,
  "reference": <%~ json(it.data.reference) %>,
  "trackingNumber": <%~ json(it.data.shipment?.trackingNumber) %>
}`;

export class CreateTemplateDto {
  @ApiPropertyOptional({ description: 'Owner customer; omit for a global template (Templates section)', example: 'cus_nordic_apparel' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;

  @ApiProperty({ example: 'Shipment notice (JSON)' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'Carrier and tracking for the shop backend' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({
    enum: TEMPLATE_FORMATS,
    default: 'json',
    description:
      'json, xml or form for URL triggers (JSON checked to be valid; XML to be well-formed, sent as application/xml; form: the template writes a flat JSON object, sent as application/x-www-form-urlencoded); html or text for email bodies. Email triggers take every format',
  })
  @IsOptional()
  @IsIn(TEMPLATE_FORMATS)
  format?: TemplateFormat;

  @ApiPropertyOptional({ description: 'Event types this template suits', enum: ORDER_EVENT_TYPES, isArray: true, example: ['order.shipped'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ORDER_EVENT_TYPES.length)
  @IsIn(ORDER_EVENT_TYPES, { each: true })
  eventTypes?: OrderEventType[];

  @ApiPropertyOptional({
    description:
      'Eta template. `it` is the order event; `json(x)` writes x as a JSON literal, `xml(x)` escapes x for XML text and attributes. Omit it to compile one from `mapping`.',
    example: EXAMPLE_BODY,
  })
  @IsOptional()
  @IsString()
  @Length(1, 65536)
  body?: string;

  @ApiPropertyOptional({ type: [MappingRuleDto], description: 'Template Mapper rules; the body is compiled from them when no body is given' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MappingRuleDto)
  mapping?: MappingRuleDto[];

  @ApiPropertyOptional({
    description: 'Custom input used for previews: an order event, or any JSON object',
    additionalProperties: true,
    example: { data: { id: 'ord_1' } },
  })
  @IsOptional()
  @IsObject()
  sampleInput?: Record<string, unknown>;
}

export class UpdateTemplateDto extends PartialType(OmitType(CreateTemplateDto, ['customerId', 'mapping'] as const)) {
  @ApiPropertyOptional({
    type: [MappingRuleDto],
    nullable: true,
    description: 'New Template Mapper rules (the body is compiled from them unless a body is given too); null detaches a hand-edited body from its rules',
    example: [{ target: 'orderId', source: 'data.id' }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MappingRuleDto)
  mapping?: MappingRuleDto[] | null;
}

/** A template created from the customer's profile: the customer comes from the path. */
export class CreateCustomerTemplateDto extends OmitType(CreateTemplateDto, ['customerId'] as const) {}

export class ListTemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: '"global" for the Templates section only, or a customer id for that customer\'s templates; all templates when left out',
    example: 'global',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/)
  scope?: string;
}

/** A template without its body, as lists show it. */
export class TemplateSummaryDto {
  @ApiProperty({ example: 'tpl_8f3k2m9x1c4v7b6n5q0z' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'cus_nordic_apparel', description: 'Owner customer; null for a global template (Templates section)' })
  customerId!: string | null;
  @ApiProperty({ example: 'Shipment notice (JSON)' }) name!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Carrier and tracking for the shop backend' }) description!: string | null;
  @ApiProperty({ enum: TEMPLATE_FORMATS, description: 'json, xml or form for URL triggers; html or text for email bodies' }) format!: TemplateFormat;
  @ApiProperty({ enum: ORDER_EVENT_TYPES, isArray: true, example: ['order.shipped'], description: 'Event types this template suits' })
  eventTypes!: OrderEventType[];
  @ApiProperty({ type: 'integer', description: 'Newest version number', example: 3 }) latestVersion!: number;
  @ApiProperty({ format: 'date-time', example: '2026-05-04T09:12:44.120Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-05-06T15:30:02.511Z' }) updatedAt!: string;

  static from(t: TemplateEntity): TemplateSummaryDto {
    return {
      id: t.id,
      customerId: t.customerId,
      name: t.name,
      description: t.description,
      format: t.format,
      eventTypes: t.eventTypes,
      latestVersion: t.latestVersion,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}

export class TemplateDto extends TemplateSummaryDto {
  @ApiProperty({ description: 'Eta body of the newest version', example: EXAMPLE_BODY }) body!: string;
  @ApiPropertyOptional({ description: 'Custom input for previews, if one was saved', additionalProperties: true, example: { data: { id: 'ord_1' } } })
  sampleInput?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [MappingRuleDto], description: 'The Template Mapper rules the body was compiled from, if any' }) mapping?: MappingRuleDto[];

  static fromVersion(t: TemplateEntity, v: TemplateVersionEntity): TemplateDto {
    return { ...TemplateSummaryDto.from(t), body: v.body, sampleInput: v.sampleInput ?? undefined, mapping: v.mapping ?? undefined };
  }
}

export class TemplateVersionDto {
  @ApiProperty({ example: 'tpl_8f3k2m9x1c4v7b6n5q0z' }) templateId!: string;
  @ApiProperty({ type: 'integer', example: 2, description: 'Version number, from 1' }) version!: number;
  @ApiProperty({ description: 'Eta body of this version', example: EXAMPLE_BODY }) body!: string;
  @ApiPropertyOptional({ description: 'Custom input for previews, if one was saved', additionalProperties: true, example: { data: { id: 'ord_1' } } })
  sampleInput?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [MappingRuleDto], description: 'The Template Mapper rules the body was compiled from, if any' }) mapping?: MappingRuleDto[];
  @ApiProperty({ format: 'date-time', example: '2026-05-05T10:20:31.007Z', description: 'When this version was made' }) createdAt!: string;

  static from(v: TemplateVersionEntity): TemplateVersionDto {
    return {
      templateId: v.templateId,
      version: v.version,
      body: v.body,
      sampleInput: v.sampleInput ?? undefined,
      mapping: v.mapping ?? undefined,
      createdAt: v.createdAt.toISOString(),
    };
  }
}
