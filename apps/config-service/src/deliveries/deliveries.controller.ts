import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { DeliveriesService } from './deliveries.service';
import { DeliveryDetailDto, DeliveryDto, DeliveryQueryDto, AttemptDto } from './delivery.dto';

@ApiTags('deliveries')
@ApiStandardErrors()
@Controller('deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOperation({
    summary: 'List deliveries',
    description:
      'Returns the delivery log a page at a time, latest attempt first: one delivery per event and trigger, with its latest outcome. ' +
      'Filter by customer, trigger, event type, status, event id, test or live, and time of the last attempt (`from` inclusive, `to` exclusive).',
  })
  @ApiPageResponse(DeliveryDto, 'One page of deliveries, latest attempt first')
  async list(@Query() query: DeliveryQueryDto): Promise<Page<DeliveryDto>> {
    const page = await this.deliveries.list(query);
    return { ...page, items: page.items.map((d) => DeliveryDto.from(d)) };
  }

  @Get(':deliveryId')
  @ApiOperation({
    summary: 'Get a delivery',
    description:
      'Returns one delivery with every attempt: what was sent, what came back or why it failed, and when a retry is due. ' +
      'Request headers and bodies are kept for test-fires only.',
  })
  @ApiPathParams('deliveryId')
  @ApiOkResponse({ type: DeliveryDetailDto, description: 'A delivery with every attempt' })
  async get(@Param('deliveryId') id: string): Promise<DeliveryDetailDto> {
    const { delivery, attempts } = await this.deliveries.get(id);
    return { ...DeliveryDto.from(delivery), attemptLog: attempts.map((a) => AttemptDto.from(a)) };
  }
}
