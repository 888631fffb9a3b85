import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, OrderEventType, sampleEvent } from '@postback/contracts';
import { FieldInfo, listFields } from '@postback/templating';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { RequireScope } from '../auth/scopes';
import { ApiStandardErrors } from '../common/api-docs';
import { MappingRuleDto } from '../templates/mapping-rule.dto';
import { TemplatesService } from '../templates/templates.service';

class CompileMappingDto {
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
}

class FieldsRequestDto {
  @ApiPropertyOptional({ enum: ORDER_EVENT_TYPES, description: "List the fields of this type's sample" })
  @IsOptional()
  @IsIn(ORDER_EVENT_TYPES)
  eventType?: OrderEventType;

  @ApiPropertyOptional({ description: 'Or of this custom input' })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

/** The Template Mapper: rules to an Eta body, and the field paths of an input (for a mapper UI). */
@ApiTags('template mapper')
@ApiStandardErrors()
@RequireScope('read')
@Controller('mapper')
export class MapperController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('compile')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The Eta body the rules compile to (valid JSON for any input)', schema: { properties: { body: { type: 'string' } } } })
  compile(@Body() req: CompileMappingDto): { body: string } {
    return { body: this.templates.bodyOf(undefined, req.rules, 'json') };
  }

  @Post('fields')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Field paths with their type and an example value; [] marks array elements' })
  fields(@Body() req: FieldsRequestDto): { fields: FieldInfo[] } {
    return { fields: listFields(req.input ?? sampleEvent(req.eventType ?? 'order.shipped')) };
  }
}
