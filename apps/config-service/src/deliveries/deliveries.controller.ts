import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConflict, ApiPageResponse, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { DeliveriesService } from './deliveries.service';
import type { PersonalDataMask } from '@postback/security';
import { ConflictError, NotFoundError } from '../common/domain.errors';
import { PersonalDataPolicy } from '../personal-data/personal-data.policy';
import { AttemptDto, DeliveryDetailDto, DeliveryDto, DeliveryEventDto, DeliveryQueryDto, RevealQueryDto } from './delivery.dto';

@ApiTags('deliveries')
@ApiStandardErrors()
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly personalData: PersonalDataPolicy,
  ) {}

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
  async get(@Param('deliveryId') id: string, @Query() q: RevealQueryDto): Promise<DeliveryDetailDto> {
    const { delivery, attempts } = await this.deliveries.get(id);
    // Live deliveries carry real orders: what came back (and, for replays of tests, what was sent) is masked by the event's personal values.
    // Test deliveries carry samples, fixtures (masked when taken from the log) or what the operator typed, and are shown as sent.
    let mask: PersonalDataMask | undefined;
    if (q.reveal) await this.personalData.reveal(id, 'attempts');
    else if (!delivery.test && delivery.eventJson) mask = await this.personalData.maskFor(delivery.customerId, JSON.parse(delivery.eventJson));
    return { ...DeliveryDto.from(delivery), attemptLog: attempts.map((a) => AttemptDto.from(a, mask)) };
  }

  @Get(':deliveryId/event')
  @ApiOperation({
    summary: 'Get the event of a delivery',
    description:
      "Returns the order event the delivery sent, as stored for replays, with personal data masked (the customer's `piiPaths`, or the " +
      "platform's PII_PATHS). `reveal=true` shows it unmasked: it needs a key with the `pii:read` scope (403 otherwise) and is audited as " +
      '`delivery.reveal`. 409 when the event is no longer kept (RETENTION_PAYLOADS_DAYS).',
  })
  @ApiPathParams('deliveryId')
  @ApiOkResponse({ type: DeliveryEventDto, description: 'The stored event, masked unless revealed' })
  @ApiConflict('The event is no longer kept')
  async event(@Param('deliveryId') id: string, @Query() q: RevealQueryDto): Promise<DeliveryEventDto> {
    const delivery = await this.deliveries.find(id);
    if (!delivery) throw new NotFoundError('delivery', id);
    if (!delivery.eventJson) throw new ConflictError(`the event of delivery "${id}" is no longer kept (RETENTION_PAYLOADS_DAYS)`);
    const event = JSON.parse(delivery.eventJson) as Record<string, unknown>;
    if (q.reveal) {
      await this.personalData.reveal(id, 'event');
      return { deliveryId: id, masked: false, event };
    }
    return { deliveryId: id, masked: true, event: await this.personalData.maskEvent(delivery.customerId, event) };
  }
}
