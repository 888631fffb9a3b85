import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { DeliveriesService } from './deliveries.service';
import { DeliveryDetailDto, DeliveryDto, DeliveryQueryDto, AttemptDto } from './delivery.dto';

@ApiTags('deliveries')
@ApiStandardErrors()
@Controller('deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOkResponse({ description: 'Deliveries, latest attempt first, with filters' })
  async list(@Query() query: DeliveryQueryDto): Promise<Page<DeliveryDto>> {
    const page = await this.deliveries.list(query);
    return { ...page, items: page.items.map((d) => DeliveryDto.from(d)) };
  }

  @Get(':deliveryId')
  @ApiOkResponse({ type: DeliveryDetailDto, description: 'A delivery with every attempt' })
  async get(@Param('deliveryId') id: string): Promise<DeliveryDetailDto> {
    const { delivery, attempts } = await this.deliveries.get(id);
    return { ...DeliveryDto.from(delivery), attemptLog: attempts.map((a) => AttemptDto.from(a)) };
  }
}
