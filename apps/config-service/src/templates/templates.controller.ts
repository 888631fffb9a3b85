import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/pagination.dto';
import { CreateTemplateDto, ListTemplatesQueryDto, TemplateDto, TemplateSummaryDto, TemplateVersionDto, UpdateTemplateDto } from './template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@ApiSecurity('api-key')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @ApiCreatedResponse({ type: TemplateDto })
  async create(@Body() body: CreateTemplateDto): Promise<TemplateDto> {
    const t = await this.templates.create(body);
    return TemplateDto.fromVersion(t.template, t.version);
  }

  @Get()
  async list(@Query() query: ListTemplatesQueryDto): Promise<Page<TemplateSummaryDto>> {
    const page = await this.templates.list(query);
    return { ...page, items: page.items.map((t) => TemplateSummaryDto.from(t)) };
  }

  @Get(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  async get(@Param('templateId') id: string): Promise<TemplateDto> {
    const t = await this.templates.get(id);
    return TemplateDto.fromVersion(t.template, t.version);
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

  @Patch(':templateId')
  @ApiOkResponse({ type: TemplateDto })
  async update(@Param('templateId') id: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    const t = await this.templates.update(id, body);
    return TemplateDto.fromVersion(t.template, t.version);
  }

  @Delete(':templateId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('templateId') id: string): Promise<void> {
    await this.templates.delete(id);
  }
}
