import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { EventTypeInfo, ORDER_EVENT_TYPES, OrderEventType } from '@postback/contracts';

/**
 * allOf members for a model whose objects may carry more fields than it names. On a property typed
 * with a class, add `type: Object`, or Nest replaces the allOf with a plain reference to the class.
 */
const withExtraFields = (model: Type<unknown>) => [{ $ref: getSchemaPath(model) }, { type: 'object' as const, additionalProperties: true }];

export class EventTypeInfoDto implements EventTypeInfo {
  @ApiProperty({ enum: ORDER_EVENT_TYPES, example: 'order.shipped', description: 'The type, as events carry it' }) type!: OrderEventType;
  @ApiProperty({ example: 'Order shipped', description: 'Label for people, as the console shows it' }) label!: string;
  @ApiProperty({ example: 'The parcel left the warehouse; data.shipment has the carrier and tracking.', description: 'What it means' }) description!: string;
}

export class MoneyDto {
  @ApiProperty({ example: 149.7 }) amount!: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code' }) currency!: string;
}

export class AddressDto {
  @ApiPropertyOptional({ example: 'Åsa Lindqvist' }) name?: string;
  @ApiPropertyOptional({ example: 'Lindqvist Design AB' }) company?: string;
  @ApiPropertyOptional({ example: 'Sveavägen 44' }) line1?: string;
  @ApiPropertyOptional({ example: '3 tr' }) line2?: string;
  @ApiPropertyOptional({ example: 'Stockholm' }) city?: string;
  @ApiPropertyOptional({ example: 'Stockholms län' }) region?: string;
  @ApiPropertyOptional({ example: '111 34' }) postalCode?: string;
  @ApiPropertyOptional({ example: 'SE', description: 'ISO 3166-1 alpha-2 code' }) country?: string;
  @ApiPropertyOptional({ example: '+46 70 123 45 67' }) phone?: string;
  @ApiPropertyOptional({ example: 'asa.lindqvist@example.com' }) email?: string;
}

export class OrderItemDto {
  @ApiProperty({ example: 'TSHIRT-ORG-M-NAVY' }) sku!: string;
  @ApiPropertyOptional({ example: 'Organic cotton T-shirt, navy, M' }) name?: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiPropertyOptional({ type: () => MoneyDto, description: 'Price of one' }) unitPrice?: MoneyDto;
}

export class ShipmentCheckpointDto {
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-06T03:15:00Z' }) at?: string;
  @ApiPropertyOptional({ example: 'Leipzig Hub, DE' }) location?: string;
  @ApiPropertyOptional({ example: 'PROCESSED_AT_HUB', description: "The carrier's status code" }) status?: string;
  @ApiPropertyOptional({ example: 'Processed at DHL hub, departing to destination country' }) description?: string;
}

export class ShipmentDto {
  @ApiPropertyOptional({ example: 'DHL Express' }) carrier?: string;
  @ApiPropertyOptional({ example: 'EXPRESS WORLDWIDE' }) service?: string;
  @ApiPropertyOptional({ example: 'JD014600006281230704' }) trackingNumber?: string;
  @ApiPropertyOptional({ example: 'https://www.dhl.com/se-en/home/tracking.html?tracking-id=JD014600006281230704' }) trackingUrl?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-05T14:03:10Z' }) shippedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-07T18:00:00Z' }) estimatedDeliveryAt?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-07T13:58:02Z' }) deliveredAt?: string;
  @ApiPropertyOptional({ type: () => ShipmentCheckpointDto, description: 'The latest carrier scan (order.in_transit)' }) lastCheckpoint?: ShipmentCheckpointDto;
}

export class OrderReasonDto {
  @ApiPropertyOptional({ example: 'OUT_OF_STOCK' }) code?: string;
  @ApiPropertyOptional({ example: 'SKU HOODIE-ZIP-L-GREY is out of stock at every warehouse' }) message?: string;
  @ApiPropertyOptional({ example: 'system', description: 'Who caused it: system, customer-service, recipient, …' }) actor?: string;
}

@ApiExtraModels(OrderItemDto, ShipmentDto)
export class OrderDataDto {
  @ApiProperty({ example: 'ord_7Q2M9K4XHB', description: 'The order id (the only required field)' }) id!: string;
  @ApiPropertyOptional({ example: 'PO-2026-004817', description: "The buyer's reference" }) reference?: string;
  @ApiPropertyOptional({ example: 'shipped' }) status?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-05-04T09:12:44Z' }) placedAt?: string;
  @ApiPropertyOptional({ example: 'EUR' }) currency?: string;
  @ApiPropertyOptional({ type: () => MoneyDto, description: 'Order total' }) total?: MoneyDto;
  @ApiPropertyOptional({ type: 'array', items: { allOf: withExtraFields(OrderItemDto) }, description: 'Order lines' }) items?: OrderItemDto[];
  @ApiPropertyOptional({ type: () => AddressDto, description: 'Where it goes' }) shippingAddress?: AddressDto;
  @ApiPropertyOptional({ type: () => AddressDto, description: 'Who pays' }) billingAddress?: AddressDto;
  @ApiPropertyOptional({ type: Object, allOf: withExtraFields(ShipmentDto), description: 'Carrier and tracking (shipped, in transit, delivered)' })
  shipment?: ShipmentDto;
  @ApiPropertyOptional({ type: () => OrderReasonDto, description: 'Why (failed, canceled, returned)' }) reason?: OrderReasonDto;
}

/**
 * An order event as the API documents it (the contract is `OrderEvent` in libs/contracts). Only
 * `data.id` is required of an order; other fields are passed through to templates as they are.
 */
@ApiExtraModels(OrderDataDto)
export class OrderEventDto {
  @ApiProperty({ example: 'evt_sample_order_shipped', description: 'Unique id of the event: the idempotency key' }) id!: string;
  @ApiProperty({ enum: ORDER_EVENT_TYPES, example: 'order.shipped' }) type!: OrderEventType;
  @ApiProperty({ format: 'date-time', example: '2026-05-05T14:03:10Z', description: 'When it happened' }) occurredAt!: string;
  @ApiProperty({ example: 'cus_demo_nordic_apparel', description: 'The customer whose triggers receive it' }) customerId!: string;
  @ApiProperty({
    type: Object,
    allOf: withExtraFields(OrderDataDto),
    description: 'The order; fields beyond these are passed through to templates as they are',
  })
  data!: OrderDataDto;
}
