import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
import { DeliveryStatsDto, FailingTriggerDto, FailingTriggersQueryDto, StatsQueryDto } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('overview')
@ApiStandardErrors()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('deliveries')
  @ApiOperation({
    summary: 'Count deliveries by outcome over time',
    description:
      'Live deliveries (test-fires excluded) of the last hour in 5-minute buckets, or of the last day in 1-hour buckets, by the outcome of their latest attempt; ' +
      'with the totals and the number of dead letters waiting for a replay. Optionally for one customer.',
  })
  @ApiOkResponse({ type: DeliveryStatsDto })
  deliveries(@Query() q: StatsQueryDto): Promise<DeliveryStatsDto> {
    return this.stats.deliveries(q.window, q.customerId);
  }

  @Get('failing-triggers')
  @ApiOperation({
    summary: 'List the triggers failing most',
    description: 'Triggers with failed (dead-lettered) or retrying live deliveries in the window, worst first, with the latest error code.',
  })
  @ApiOkResponse({ type: FailingTriggerDto, isArray: true })
  failingTriggers(@Query() q: FailingTriggersQueryDto): Promise<FailingTriggerDto[]> {
    return this.stats.failingTriggers(q.window, q.limit, q.customerId);
  }
}
