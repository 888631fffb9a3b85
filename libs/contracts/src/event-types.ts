/** The order events the fulfilment platform emits, in the dotted form used on the wire. */
export const ORDER_EVENT_TYPES = [
  'order.received',
  'order.failed',
  'order.canceled',
  'order.returned',
  'order.produced',
  'order.delivered',
  'order.shipped',
  'order.in_transit',
] as const;

export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const TYPE_SET: ReadonlySet<string> = new Set(ORDER_EVENT_TYPES);

export function isOrderEventType(value: unknown): value is OrderEventType {
  return typeof value === 'string' && TYPE_SET.has(value);
}

export interface EventTypeInfo {
  type: OrderEventType;
  label: string;
  description: string;
}

/** Human labels, as the operators' console shows them (they match the setup guide's wording). */
export const EVENT_TYPE_CATALOGUE: readonly EventTypeInfo[] = [
  { type: 'order.received', label: 'Order received', description: 'The order was accepted into fulfilment.' },
  { type: 'order.failed', label: 'Order failed', description: 'The order could not be fulfilled; data.reason says why.' },
  { type: 'order.canceled', label: 'Order canceled', description: 'The order was canceled before shipping; data.reason says by whom and why.' },
  { type: 'order.returned', label: 'Order returned', description: 'Items came back from the recipient; data.reason and data.return describe the return.' },
  { type: 'order.produced', label: 'Order produced', description: 'All items were produced or picked and packed, ready to ship.' },
  { type: 'order.delivered', label: 'Order delivered', description: 'The carrier confirmed delivery.' },
  { type: 'order.shipped', label: 'Order shipped', description: 'The parcel left the warehouse; data.shipment has the carrier and tracking.' },
  { type: 'order.in_transit', label: 'Order in transit', description: 'A carrier scan update while the parcel travels.' },
];
