import { Controller, Get, Param } from '@nestjs/common';
import { ApiStandardErrors } from '../common/api-docs';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPE_CATALOGUE, EventTypeInfo, isOrderEventType, ORDER_EVENT_TYPES, OrderEvent, sampleEvent } from '@postback/contracts';
import { NotFoundError } from '../common/domain.errors';

/** The event-type catalogue and a realistic sample payload per type (from libs/contracts). */
@ApiTags('event types')
@ApiStandardErrors()
@Controller('event-types')
export class EventTypesController {
  @Get()
  list(): readonly EventTypeInfo[] {
    return EVENT_TYPE_CATALOGUE;
  }

  @Get(':type/sample')
  @ApiParam({ name: 'type', enum: ORDER_EVENT_TYPES })
  @ApiOkResponse({ description: 'A sample order event of this type' })
  sample(@Param('type') type: string): OrderEvent {
    if (!isOrderEventType(type)) throw new NotFoundError('event type', type);
    return sampleEvent(type);
  }
}
