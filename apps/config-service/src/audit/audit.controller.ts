import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { AuditEntryDto, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit log')
@ApiStandardErrors()
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'List configuration changes',
    description:
      'Returns the audit log a page at a time, newest first: which API key changed which customer, template, trigger or API key, when, and what. ' +
      'Forced activations, test-fires and reads of a signing secret are recorded too. `from` is inclusive, `to` exclusive.',
  })
  @ApiPageResponse(AuditEntryDto, 'One page of configuration changes, newest first')
  async list(@Query() q: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    const page = await this.audit.list(q);
    return { ...page, items: page.items.map((e) => AuditEntryDto.from(e)) };
  }
}
