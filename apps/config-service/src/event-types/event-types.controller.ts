import { Controller, Get, Param } from '@nestjs/common';
import { ApiStandardErrors } from '../common/api-docs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPE_CATALOGUE, EventTypeInfo, isOrderEventType, ORDER_EVENT_TYPES, OrderEvent, sampleEvent } from '@postback/contracts';
import { NotFoundError } from '../common/domain.errors';
import { EventTypeInfoDto, OrderEventDto } from './event-type.dto';

/** The event-type catalogue and a realistic sample payload per type (from libs/contracts). */
@ApiTags('event types')
@ApiStandardErrors()
@Controller('event-types')
export class EventTypesController {
  @Get()
  @ApiOperation({
    summary: 'List event types',
    description: 'Returns the order event types that triggers can subscribe to, each with the label and meaning the console shows.',
  })
  @ApiOkResponse({ type: EventTypeInfoDto, isArray: true, description: 'Every order event type' })
  list(): readonly EventTypeInfo[] {
    return EVENT_TYPE_CATALOGUE;
  }

  @Get(':type/sample')
  @ApiOperation({
    summary: 'Get a sample event',
    description:
      'Returns a realistic order event of the type: what previews, the Template Mapper and test-fires use when given no input of their own. ' +
      '404 for an unknown type.',
  })
  @ApiParam({ name: 'type', enum: ORDER_EVENT_TYPES, description: 'An order event type', example: 'order.shipped' })
  @ApiOkResponse({ type: OrderEventDto, description: 'A sample order event of this type' })
  sample(@Param('type') type: string): OrderEvent {
    if (!isOrderEventType(type)) throw new NotFoundError('event type', type);
    return sampleEvent(type);
  }
}
