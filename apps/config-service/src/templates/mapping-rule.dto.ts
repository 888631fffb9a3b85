import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_JSON_VALUE } from '../common/api-docs';
import { MAPPING_TRANSFORMS, MappingTransform } from '@postback/templating';
import { Allow, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** One Template Mapper rule: output path ← input path, with an optional default and transform. */
export class MappingRuleDto {
  @ApiProperty({
    description:
      'Output path, dotted. JSON: nested objects. XML: nested elements, every target under the same root element (order.shipment.trackingNumber). Form: one field name, no dots (shipment_trackingNumber or shipment[trackingNumber])',
    example: 'shipment.trackingNumber',
  })
  @IsString()
  @Length(1, 500)
  target!: string;

  @ApiPropertyOptional({ description: 'Input path, dotted; [n] indexes, [] maps every element', example: 'data.shipment.trackingNumber' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  source?: string;

  @ApiPropertyOptional({ description: 'Used when the input value is missing or null (any JSON)', example: 'n/a', ...ANY_JSON_VALUE })
  @Allow()
  default?: unknown;

  @ApiPropertyOptional({ enum: MAPPING_TRANSFORMS, default: 'none', description: 'How the input value is changed on the way' })
  @IsOptional()
  @IsIn(MAPPING_TRANSFORMS)
  transform?: MappingTransform;

  @ApiPropertyOptional({ description: 'date: iso, unix, unixMs, or a pattern of YYYY MM DD HH mm ss SSS (UTC)', example: 'YYYY-MM-DD' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  format?: string;

  @ApiPropertyOptional({ description: 'join: the separator', example: ', ' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  separator?: string;

  @ApiPropertyOptional({ description: 'constant: the value written (any JSON)', example: 'nordic-apparel', ...ANY_JSON_VALUE })
  @Allow()
  value?: unknown;
}
