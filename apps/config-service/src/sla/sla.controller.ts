import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConflict, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { SlaReportDto } from './sla.dto';
import { SlaService } from './sla.service';

@ApiTags('customers')
@ApiStandardErrors()
@Controller('customers/:customerId/sla')
export class SlaController {
  constructor(private readonly sla: SlaService) {}

  @Get()
  @ApiOperation({
    summary: "A customer's delivery objective: compliance and breaches",
    description:
      "Measures the customer's delivery objective (`deliveryObjective`, e.g. 99% delivered within 60 s over 60 min) on the delivery log: the " +
      'rolling window that ends now, the earlier windows (the last 24) that missed it, and the deliveries of the current window that missed ' +
      'the deadline. 409 when the customer has no objective.',
  })
  @ApiPathParams('customerId')
  @ApiOkResponse({ type: SlaReportDto, description: 'Compliance now, and the breaches' })
  @ApiConflict('The customer has no delivery objective')
  async get(@Param('customerId') customerId: string): Promise<SlaReportDto> {
    return this.sla.report(customerId);
  }
}
