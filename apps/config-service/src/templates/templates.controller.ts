import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
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

/** The Templates section: global templates (and, with `customerId`, any customer's). */
@ApiTags('templates')
@ApiStandardErrors()
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @ApiCreatedResponse({ type: TemplateDto })
  async create(@Body() body: CreateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.create(body));
  }

  @Get()
  async list(@Query() query: ListTemplatesQueryDto): Promise<Page<TemplateSummaryDto>> {
    const page = await this.templates.list(query);
    return { ...page, items: page.items.map((t) => TemplateSummaryDto.from(t)) };
  }

  @Get(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  async get(@Param('templateId') id: string): Promise<TemplateDto> {
    return dto(await this.templates.get(id));
  }

  @Get(':templateId/versions')
  @ApiOkResponse({ type: TemplateVersionDto, isArray: true })
  async versions(@Param('templateId') id: string): Promise<TemplateVersionDto[]> {
    return (await this.templates.listVersions(id)).map((v) => TemplateVersionDto.from(v));
  }

  @Get(':templateId/versions/:version')
  @ApiOkResponse({ type: TemplateVersionDto })
  async version(@Param('templateId') id: string, @Param('version', ParseIntPipe) version: number): Promise<TemplateVersionDto> {
    return TemplateVersionDto.from(await this.templates.getVersion(id, version));
  }

  @Post(':templateId/versions/:version/restore')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplateDto, description: 'That version, copied as the newest one (rollback)' })
  async restore(@Param('templateId') id: string, @Param('version', ParseIntPipe) version: number): Promise<TemplateDto> {
    return dto(await this.templates.restoreVersion(id, version));
  }

  @Patch(':templateId')
  @ApiOkResponse({ type: TemplateDto, description: 'A change of body, mapping or sample input makes a new version' })
  async update(@Param('templateId') id: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.update(id, body));
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('templateId') id: string): Promise<void> {
    await this.templates.delete(id);
  }
}

/** A customer's own templates, from the customer's profile. */
@ApiTags('templates')
@ApiStandardErrors()
@Controller('customers/:customerId/templates')
export class CustomerTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @ApiCreatedResponse({ type: TemplateDto })
  async create(@Param('customerId') customerId: string, @Body() body: CreateCustomerTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.create({ ...body, customerId }));
  }

  @Get()
  async list(@Param('customerId') customerId: string, @Query() query: PageQueryDto): Promise<Page<TemplateSummaryDto>> {
    const page = await this.templates.list({ ...query, scope: customerId });
    return { ...page, items: page.items.map((t) => TemplateSummaryDto.from(t)) };
  }

  @Get(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  async get(@Param('customerId') customerId: string, @Param('templateId') id: string): Promise<TemplateDto> {
    return dto(await this.templates.get(id, customerId));
  }

  @Patch(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  async update(@Param('customerId') customerId: string, @Param('templateId') id: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return dto(await this.templates.update(id, body, customerId));
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('customerId') customerId: string, @Param('templateId') id: string): Promise<void> {
    await this.templates.delete(id, customerId);
  }
}
