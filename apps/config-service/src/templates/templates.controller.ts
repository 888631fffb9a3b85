import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConflict, ApiInvalidTemplate, ApiPageResponse, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { Page, PageQueryDto } from '../common/pagination.dto';
import {
  CreateCustomerTemplateDto,
  CreateTemplateDto,
  ListTemplatesQueryDto,
  TemplateDto,
  TemplateSummaryDto,
  TemplateVersionDto,
  UpdateTemplateDto,
} from './template.dto';
import { TemplatesService, TemplateWithVersion } from './templates.service';

const dto = (t: TemplateWithVersion) => TemplateDto.fromVersion(t.template, t.version);

const DOES_NOT_COMPILE = 'The body (given, or compiled from the mapping rules) does not compile: errors name the line and column';
const FORMAT_IN_USE = 'A template used by URL triggers cannot change to html or text (URL triggers send json, xml or form)';
const IN_USE = 'A trigger still uses the template: point it at another template first';

/** The Templates section: global templates (and, with `customerId`, any customer's). */
@ApiTags('templates')
@ApiStandardErrors()
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a template',
    description:
      "Creates a template in the Templates section (global: any customer's triggers may use it) or, with `customerId`, under that customer. " +
      'Give an Eta `body`, or Template Mapper rules in `mapping` to compile one (JSON templates only). Returns the template at version 1. ' +
      '422 when the body does not compile; 404 when the customer does not exist.',
  })
  @ApiCreatedResponse({ type: TemplateDto, description: 'The new template, at version 1' })
  @ApiInvalidTemplate(DOES_NOT_COMPILE)
  async create(@Body() body: CreateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.create(body));
  }

  @Get()
  @ApiOperation({
    summary: 'List templates',
    description:
      'Returns templates without their bodies, a page at a time, newest first. `scope=global` keeps the Templates section, a customer id ' +
      "keeps that customer's templates (404 when there is no such customer), and without `scope` every template is listed.",
  })
  @ApiPageResponse(TemplateSummaryDto, 'One page of templates, without bodies, newest first')
  async list(@Query() query: ListTemplatesQueryDto): Promise<Page<TemplateSummaryDto>> {
    const page = await this.templates.list(query);
    return { ...page, items: page.items.map((t) => TemplateSummaryDto.from(t)) };
  }

  @Get(':templateId')
  @ApiOperation({
    summary: 'Get a template',
    description: 'Returns a template, global or of any customer, with the body, mapping rules and sample input of its newest version.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: TemplateDto, description: 'The template and its newest version' })
  async get(@Param('templateId') id: string): Promise<TemplateDto> {
    return dto(await this.templates.get(id));
  }

  @Get(':templateId/versions')
  @ApiOperation({
    summary: "List a template's versions",
    description:
      'Returns every version of the template, newest first, each with its body, mapping rules and sample input. ' +
      'Every change of the body, the mapping or the sample input made one; a version never changes.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: TemplateVersionDto, isArray: true, description: 'The versions, newest first' })
  async versions(@Param('templateId') id: string): Promise<TemplateVersionDto[]> {
    return (await this.templates.listVersions(id)).map((v) => TemplateVersionDto.from(v));
  }

  @Get(':templateId/versions/:version')
  @ApiOperation({
    summary: 'Get a template version',
    description: 'Returns one version of the template: its body, mapping rules and sample input as they were. 404 when the version does not exist.',
  })
  @ApiPathParams('templateId', 'version')
  @ApiOkResponse({ type: TemplateVersionDto, description: 'The version' })
  async version(@Param('templateId') id: string, @Param('version', ParseIntPipe) version: number): Promise<TemplateVersionDto> {
    return TemplateVersionDto.from(await this.templates.getVersion(id, version));
  }

  @Post(':templateId/versions/:version/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Restore a template version',
    description:
      "Rolls back by copy: the version's body, mapping rules and sample input become a new newest version; no version is lost. " +
      'Triggers that follow the latest version send with it at once; triggers pinned to a version keep theirs. Returns the template.',
  })
  @ApiPathParams('templateId', 'version')
  @ApiOkResponse({ type: TemplateDto, description: 'That version, copied as the newest one (rollback)' })
  async restore(@Param('templateId') id: string, @Param('version', ParseIntPipe) version: number): Promise<TemplateDto> {
    return dto(await this.templates.restoreVersion(id, version));
  }

  @Patch(':templateId')
  @ApiOperation({
    summary: 'Update a template',
    description:
      'Changes a template; fields left out keep their value. A new body, mapping or sample input makes a new version, which triggers that ' +
      'follow the latest version send with at once (pinned triggers keep theirs); new mapping rules without a body recompile the body. ' +
      '422 when the body does not compile; 409 when a JSON template used by URL triggers would change format.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: TemplateDto, description: 'A change of body, mapping or sample input makes a new version' })
  @ApiInvalidTemplate(DOES_NOT_COMPILE)
  @ApiConflict(FORMAT_IN_USE)
  async update(@Param('templateId') id: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.update(id, body));
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a template',
    description:
      'Deletes a template, global or of any customer, with all its versions. Answers 204 with no body. ' +
      '409 while a trigger uses the template: point those triggers at another template first.',
  })
  @ApiPathParams('templateId')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflict(IN_USE)
  async delete(@Param('templateId') id: string): Promise<void> {
    await this.templates.delete(id);
  }
}

/** A customer's own templates, from the customer's profile. */
@ApiTags('templates')
@ApiStandardErrors()
@ApiPathParams('customerId')
@Controller('customers/:customerId/templates')
export class CustomerTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @ApiOperation({
    summary: "Create a customer's template",
    description:
      "Creates a template under the customer: only this customer's triggers may use it. Give an Eta `body`, or Template Mapper rules in " +
      '`mapping` to compile one (JSON templates only). Returns the template at version 1. 422 when the body does not compile.',
  })
  @ApiCreatedResponse({ type: TemplateDto, description: 'The new template, at version 1' })
  @ApiInvalidTemplate(DOES_NOT_COMPILE)
  async create(@Param('customerId') customerId: string, @Body() body: CreateCustomerTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.create({ ...body, customerId }));
  }

  @Get()
  @ApiOperation({
    summary: "List a customer's templates",
    description: "Returns the customer's own templates (not the global ones) without their bodies, a page at a time, newest first.",
  })
  @ApiPageResponse(TemplateSummaryDto, "One page of the customer's templates, without bodies, newest first")
  async list(@Param('customerId') customerId: string, @Query() query: PageQueryDto): Promise<Page<TemplateSummaryDto>> {
    const page = await this.templates.list({ ...query, scope: customerId });
    return { ...page, items: page.items.map((t) => TemplateSummaryDto.from(t)) };
  }

  @Get(':templateId')
  @ApiOperation({
    summary: "Get a customer's template",
    description:
      'Returns the template with the body, mapping rules and sample input of its newest version. ' +
      '404 when the template is global or belongs to another customer.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: TemplateDto, description: 'The template and its newest version' })
  async get(@Param('customerId') customerId: string, @Param('templateId') id: string): Promise<TemplateDto> {
    return dto(await this.templates.get(id, customerId));
  }

  @Patch(':templateId')
  @ApiOperation({
    summary: "Update a customer's template",
    description:
      'Changes the template as PATCH /templates/{templateId} does (a new body, mapping or sample input makes a new version), ' +
      'for a template of this customer only. 422 when the body does not compile; 409 when a JSON template used by URL triggers would change format.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: TemplateDto, description: 'A change of body, mapping or sample input makes a new version' })
  @ApiInvalidTemplate(DOES_NOT_COMPILE)
  @ApiConflict(FORMAT_IN_USE)
  async update(@Param('customerId') customerId: string, @Param('templateId') id: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.update(id, body, customerId));
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiOperation({
    summary: "Delete a customer's template",
    description:
      'Deletes a template of this customer with all its versions. Answers 204 with no body. ' +
      '409 while a trigger uses the template: point those triggers at another template first.',
  })
  @ApiPathParams('templateId')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflict(IN_USE)
  async delete(@Param('customerId') customerId: string, @Param('templateId') id: string): Promise<void> {
    await this.templates.delete(id, customerId);
  }
}
