import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType, TEMPLATE_FORMATS, TemplateFormat } from '@postback/contracts';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { MappingRuleDto } from '../templates/mapping-rule.dto';

export class PreviewRequestDto {
  @ApiPropertyOptional({ description: 'A saved template (latest version unless `version`)', example: 'tpl_8f3k2m9x1c4v7b6n5q0z' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  templateId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 2, description: 'With templateId: the version to render (default: the latest)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'An unsaved Eta body', example: '{"order": <%~ json(it.data.id) %>}' })
  @IsOptional()
  @IsString()
  @Length(1, 65536)
  body?: string;

  @ApiPropertyOptional({ type: [MappingRuleDto], description: 'Unsaved mapping rules' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MappingRuleDto)
  mapping?: MappingRuleDto[];

  @ApiPropertyOptional({
    enum: TEMPLATE_FORMATS,
    default: 'json',
    example: 'xml',
    description: 'The format of an unsaved body or mapping: json, xml or form (payloads), html or text (email bodies)',
  })
  @IsOptional()
  @IsIn(TEMPLATE_FORMATS)
  format?: TemplateFormat;

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, default: 'order.shipped', description: "Render with this type's sample payload" })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({
    description: 'Custom input instead of a sample: an order event or any JSON object',
    additionalProperties: true,
    example: { type: 'order.shipped', data: { id: 'ord_1' } },
  })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

export class TemplatePreviewRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 2, description: 'Version to render (default: the latest)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, default: 'order.shipped', description: "Render with this type's sample payload" })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({
    description: 'Custom input instead of a sample: an order event or any JSON object',
    additionalProperties: true,
    example: { type: 'order.shipped', data: { id: 'ord_1' } },
  })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

/** A trigger's preview: a sample or custom input; the template and version are the trigger's. */
export class TriggerPreviewRequestDto extends OmitType(TemplatePreviewRequestDto, ['version'] as const) {}

/** Which template was rendered: `{ id, version }` of a saved one, or `{ unsaved: true }`. */
export class PreviewedTemplateDto {
  @ApiPropertyOptional({ description: 'The saved template', example: 'tpl_8f3k2m9x1c4v7b6n5q0z' }) id?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Its version that was rendered', example: 3 }) version?: number;
  @ApiPropertyOptional({ description: 'True when an unsaved body or mapping was rendered', example: true }) unsaved?: boolean;
}

/** What it was rendered with: `{ eventType }` of the sample, or `{ custom: true }`. */
export class PreviewInputDto {
  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: 'The event type whose sample was used', example: 'order.shipped' }) eventType?: OrderEventType;
  @ApiPropertyOptional({ description: 'True when the custom input was used', example: true }) custom?: boolean;
}

export class SchemaIssueDto {
  @ApiProperty({ example: '/total', description: "Where, as a JSON pointer into the output ('' for the whole payload)" }) path!: string;
  @ApiProperty({ example: 'is required', description: 'Why it does not meet the schema' }) message!: string;
}

export class PreviewResultDto {
  @ApiProperty({ description: 'The rendered output, byte for byte what delivery would send', example: '{"order": "ord_7Q2M9K4XHB"}' }) output!: string;
  @ApiProperty({
    example: 'application/json',
    description: 'The Content-Type delivery would send it with: application/json, application/xml; charset=utf-8, application/x-www-form-urlencoded, …',
  })
  contentType!: string;
  @ApiProperty({ type: 'integer', description: 'Size of the output in bytes (UTF-8)', example: 27 }) bytes!: number;
  @ApiProperty({ type: () => PreviewedTemplateDto, description: '{ id, version } of a saved template, or { unsaved: true }' }) template!: PreviewedTemplateDto;
  @ApiProperty({ description: 'The body rendered (compiled from the mapping when rules were given)', example: '{"order": <%~ json(it.data.id) %>}' })
  body!: string;
  @ApiProperty({ type: () => PreviewInputDto, description: '{ eventType } of the sample used, or { custom: true }' }) input!: PreviewInputDto;
  @ApiPropertyOptional({
    type: () => SchemaIssueDto,
    isArray: true,
    description: "A trigger's preview: how the output breaks the trigger's output contract (empty when it meets it; absent without a contract)",
  })
  schemaIssues?: SchemaIssueDto[];
  @ApiPropertyOptional({
    description:
      "A trigger's preview with an output contract its format cannot be checked against (XML): why it was not checked. JSON payloads are checked, and so is the JSON object a form template renders",
    example: 'the output schema is a JSON Schema: xml payloads are not checked against it (JSON payloads, and the JSON object of a form template, are)',
  })
  schemaNotChecked?: string;
}
