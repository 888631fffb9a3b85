import { isOrderEventType, ORDER_EVENT_TYPES, OrderEventType } from './event-types';
import { describe, IssueCollector, isPlainObject, Validated } from './validation';

/**
 * The envelope of an order event, as the order platform publishes it (our native format).
 * `data` is the order itself; `data.id` is the order id and the Kafka key.
 */
export interface OrderEvent {
  /** Unique id of this event: the idempotency key. */
  id: string;
  type: OrderEventType;
  /** When it happened, ISO-8601 with a time zone. */
  occurredAt: string;
  customerId: string;
  data: OrderData;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Address {
  name?: string;
  company?: string;
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  phone?: string;
  email?: string;
}

export interface OrderItem {
  sku: string;
  name?: string;
  quantity: number;
  unitPrice?: Money;
  [extra: string]: unknown;
}

export interface Shipment {
  carrier?: string;
  service?: string;
  trackingNumber?: string;
  trackingUrl?: string;
  shippedAt?: string;
  estimatedDeliveryAt?: string;
  deliveredAt?: string;
  lastCheckpoint?: { at?: string; location?: string; status?: string; description?: string };
  [extra: string]: unknown;
}

/** The order. Only `id` is required; everything else is passed through to templates as is. */
export interface OrderData {
  id: string;
  reference?: string;
  status?: string;
  placedAt?: string;
  currency?: string;
  total?: Money;
  items?: OrderItem[];
  shippingAddress?: Address;
  billingAddress?: Address;
  shipment?: Shipment;
  reason?: { code?: string; message?: string; actor?: string };
  [extra: string]: unknown;
}

export const EVENT_LIMITS = {
  idMax: 200,
  customerIdMax: 100,
  orderIdMax: 200,
  /** Largest serialized event accepted by the router, in bytes. */
  maxBytes: 512 * 1024,
} as const;

/**
 * Validates and normalizes an incoming event. Accepts our native envelope and structured-mode
 * CloudEvents 1.0 JSON (`specversion`, `id`, `type`, `time`, `customerid` extension, `data`).
 */
export function parseOrderEvent(input: unknown): Validated<OrderEvent> {
  if (!isPlainObject(input)) {
    return { ok: false, issues: [{ path: '$', message: `event must be a JSON object, got ${describe(input)}` }] };
  }
  if ('specversion' in input) return parseCloudEvent(input);
  const c = new IssueCollector();
  const id = c.string(input, 'id', 'id', { max: EVENT_LIMITS.idMax });
  const type = eventType(c, input.type, 'type');
  const occurredAt = c.dateTime(input, 'occurredAt', 'occurredAt');
  const customerId = c.string(input, 'customerId', 'customerId', { max: EVENT_LIMITS.customerIdMax });
  const data = orderData(c, input.data, 'data');
  return c.result({ id, type, occurredAt, customerId, data } as OrderEvent);
}

function parseCloudEvent(input: Record<string, unknown>): Validated<OrderEvent> {
  const c = new IssueCollector();
  if (input.specversion !== '1.0') c.add('specversion', 'only CloudEvents specversion "1.0" is supported');
  const id = c.string(input, 'id', 'id', { max: EVENT_LIMITS.idMax });
  const type = eventType(c, input.type, 'type');
  const occurredAt = c.dateTime(input, 'time', 'time');
  const customerId = c.string(input, 'customerid', 'customerid', { max: EVENT_LIMITS.customerIdMax });
  if (input.datacontenttype !== undefined && input.datacontenttype !== 'application/json') {
    c.add('datacontenttype', 'must be application/json when present');
  }
  const data = orderData(c, input.data, 'data');
  return c.result({ id, type, occurredAt, customerId, data } as OrderEvent);
}

function eventType(c: IssueCollector, value: unknown, path: string): OrderEventType | undefined {
  if (value === undefined || value === null) {
    c.add(path, 'is required');
    return undefined;
  }
  if (!isOrderEventType(value)) {
    c.add(path, `must be one of ${ORDER_EVENT_TYPES.join(', ')}`);
    return undefined;
  }
  return value;
}

function orderData(c: IssueCollector, value: unknown, path: string): OrderData | undefined {
  if (value === undefined || value === null) {
    c.add(path, 'is required');
    return undefined;
  }
  if (!isPlainObject(value)) {
    c.add(path, `must be an object, got ${describe(value)}`);
    return undefined;
  }
  const id = c.string(value, 'id', `${path}.id`, { max: EVENT_LIMITS.orderIdMax });
  return id === undefined ? undefined : (value as OrderData);
}
