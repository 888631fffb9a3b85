import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { sampleEvent } from '@postback/contracts';
import { listFields } from '@postback/templating';
import { RequireScope } from '../auth/scopes';
import { ApiStandardErrors } from '../common/api-docs';
import { TemplatesService } from '../templates/templates.service';
import { CompiledMappingDto, CompileMappingDto, FieldListDto, FieldsRequestDto } from './mapper.dto';

/** The Template Mapper: rules to an Eta body, and the field paths of an input (for a mapper UI). */
@ApiTags('template mapper')
@ApiStandardErrors()
@RequireScope('read')
@Controller('mapper')
export class MapperController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('compile')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Compile mapping rules',
    description:
      'Compiles Template Mapper rules (an output path from an input path, with a default and a transform) into the Eta body of a JSON, ' +
      'XML or form template (`format`), and saves nothing. The body writes valid JSON (well-formed XML; a flat object of form fields) for ' +
      'any input. 400 names the rule and field of each invalid rule. Read-only keys may call it.',
  })
  @ApiOkResponse({ type: CompiledMappingDto, description: 'The Eta body the rules compile to (valid output of the format for any input)' })
  compile(@Body() req: CompileMappingDto): CompiledMappingDto {
    return { body: this.templates.bodyOf(undefined, req.rules, req.format ?? 'json') };
  }

  @Post('fields')
  @HttpCode(200)
  @ApiOperation({
    summary: 'List the fields of an input',
    description:
      'Lists the field paths of an input, the sample event of `eventType` (default order.shipped) or your own `input`, with the JSON type ' +
      'of each and an example value: the sources a mapper UI offers. `[]` in a path marks array elements. Read-only keys may call it.',
  })
  @ApiOkResponse({ type: FieldListDto, description: 'Field paths with their type and an example value; [] marks array elements' })
  fields(@Body() req: FieldsRequestDto): FieldListDto {
    return { fields: listFields(req.input ?? sampleEvent(req.eventType ?? 'order.shipped')) };
  }
}
