import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType } from '@postback/contracts';
import { MAPPING_FORMATS, type FieldInfo, type MappingFormat } from '@postback/templating';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { ANY_JSON_VALUE } from '../common/api-docs';
import { MappingRuleDto } from '../templates/mapping-rule.dto';

export class CompileMappingDto {
  @ApiProperty({
    type: [MappingRuleDto],
    example: [
      { target: 'orderId', source: 'data.id' },
      { target: 'shipment.carrier', source: 'data.shipment.carrier', transform: 'upper' },
      { target: 'skus', source: 'data.items[].sku', transform: 'join', separator: ';' },
      { target: 'shippedOn', source: 'data.shipment.shippedAt', transform: 'date', format: 'YYYY-MM-DD' },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MappingRuleDto)
  rules!: MappingRuleDto[];

  @ApiPropertyOptional({
    enum: MAPPING_FORMATS,
    default: 'json',
    example: 'xml',
    description:
      'What the body writes: json (nested objects), xml (elements under one root, values escaped with xml(), one element per value of a [] source) or form (a flat JSON object of fields, sent form-encoded)',
  })
  @IsOptional()
  @IsIn(MAPPING_FORMATS)
  format?: MappingFormat;
}

export class FieldsRequestDto {
  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: "List the fields of this type's sample (default: order.shipped)" })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({ description: 'Or of this custom input', additionalProperties: true, example: { data: { id: 'ord_1', items: [{ sku: 'A-1' }] } } })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

export class CompiledMappingDto {
  @ApiProperty({
    description: 'The Eta body the rules compile to: valid JSON (well-formed XML, an encodable form) for any input',
    example: '{\n  "orderId": <%~ json(get(it, "data.id")) %>,\n  "shipment": {\n    "carrier": <%~ json(upper(get(it, "data.shipment.carrier"))) %>\n  }\n}',
  })
  body!: string;
}

export class FieldInfoDto implements FieldInfo {
  @ApiProperty({ description: 'Dotted path; [] marks the elements of an array', example: 'data.items[].sku' }) path!: string;
  @ApiProperty({ enum: ['string', 'number', 'boolean', 'null', 'object', 'array'], description: 'JSON type of the value' }) type!: FieldInfo['type'];
  @ApiPropertyOptional({ description: 'The value in the input, for strings, numbers, booleans and null', example: 'TSHIRT-ORG-M-NAVY', ...ANY_JSON_VALUE })
  example?: unknown;
}

export class FieldListDto {
  @ApiProperty({ type: [FieldInfoDto], description: 'Every field path of the input, in document order (at most 500)' }) fields!: FieldInfoDto[];
}
