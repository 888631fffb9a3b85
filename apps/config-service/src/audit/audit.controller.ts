import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { AuditEntryDto, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit log')
@ApiStandardErrors()
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ description: 'Configuration changes, newest first' })
  async list(@Query() q: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const page = await this.audit.list(q);
    return { ...page, items: page.items.map((e) => AuditEntryDto.from(e)) };
  }
}
