import { isOrderEventType, ORDER_EVENT_TYPES, OrderEventType } from './event-types';
import { describe, formatIssues, IssueCollector, isPlainObject, Validated } from './validation';

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
 * Binary-mode CloudEvents carry their attributes in record headers: see `decodeOrderEventRecord`.
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

/**
 * The record headers of the CloudEvents Kafka protocol binding, binary content mode: each
 * attribute as a `ce_<name>` header (extensions too), the data content type as `content-type`.
 */
export const CLOUDEVENTS_KAFKA_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  /** Our extension attribute `customerid`. */
  customerId: 'ce_customerid',
  contentType: 'content-type',
  /** Not part of the binding, but some SDKs (the JavaScript one among them) write it too. */
  dataContentType: 'ce_datacontenttype',
  /** Attribute headers start with this. */
  prefix: 'ce_',
} as const;

const CE = CLOUDEVENTS_KAFKA_HEADERS;
/** No limit in the spec; a URI-reference this long is a mistake, not a source. */
const CE_SOURCE_MAX = 2048;

/** Why a record is refused: the reason (`path: message; …`) and a bounded category for metrics. */
export type DecodedOrderEvent = { ok: true; value: OrderEvent } | { ok: false; reason: string; category: 'not_json' | 'schema' };

/**
 * Decodes an order-event record (its value, not null, and its headers) in any of the three forms
 * accepted: the native envelope, a structured-mode CloudEvent (JSON envelope as the value,
 * `content-type: application/cloudevents+json`) and a binary-mode CloudEvent of the Kafka protocol
 * binding (attributes in `ce_*` headers, the data as the value). All three give the same
 * `OrderEvent`. Only a `ce_specversion` header makes a record binary-mode, so the native hot path
 * costs one header lookup; the other `ce_*` headers are looked at only for a record already refused
 * (to name a missing `ce_specversion` rather than the fields the data lacks to be an envelope).
 */
export function decodeOrderEventRecord(value: Buffer, headers: Readonly<Record<string, string>>): DecodedOrderEvent {
  const specversion = headers[CE.specversion];
  if (specversion !== undefined && !isStructuredContentType(headers[CE.contentType])) return decodeBinaryCloudEvent(value, headers, specversion);
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return specversionMissing(headers) ?? { ok: false, reason: `not valid JSON: ${(e as Error).message}`, category: 'not_json' };
  }
  const validated = parseOrderEvent(json);
  if (validated.ok) return validated;
  const structured = isPlainObject(json) && 'specversion' in json;
  return (structured ? undefined : specversionMissing(headers)) ?? { ok: false, reason: formatIssues(validated.issues), category: 'schema' };
}

function decodeBinaryCloudEvent(value: Buffer, headers: Readonly<Record<string, string>>, specversion: string): DecodedOrderEvent {
  const c = new IssueCollector();
  if (specversion !== '1.0') c.add(CE.specversion, `only CloudEvents specversion "1.0" is supported, got "${specversion.slice(0, 20)}"`);
  const id = c.string(headers, CE.id, CE.id, { max: EVENT_LIMITS.idMax });
  c.string(headers, CE.source, CE.source, { max: CE_SOURCE_MAX });
  const type = eventType(c, headers[CE.type], CE.type);
  const occurredAt = c.dateTime(headers, CE.time, CE.time);
  const customerId = c.string(headers, CE.customerId, CE.customerId, { max: EVENT_LIMITS.customerIdMax });
  const contentType = headers[CE.contentType] ?? headers[CE.dataContentType];
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    c.add(CE.contentType, `must be application/json when present (the data of a binary-mode CloudEvent is JSON), got "${contentType.slice(0, 100)}"`);
    return { ok: false, reason: formatIssues(c.issues), category: 'schema' };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    c.add('data', `not valid JSON: ${(e as Error).message}`);
    return { ok: false, reason: formatIssues(c.issues), category: 'not_json' };
  }
  const data = orderData(c, json, 'data');
  const result = c.result({ id, type, occurredAt, customerId, data } as OrderEvent);
  return result.ok ? result : { ok: false, reason: formatIssues(result.issues), category: 'schema' };
}

/** A refused record with `ce_*` headers but no `ce_specversion`: a binary-mode CloudEvent missing it. */
function specversionMissing(headers: Readonly<Record<string, string>>): DecodedOrderEvent | undefined {
  if (isStructuredContentType(headers[CE.contentType])) return undefined;
  const present: string[] = [];
  for (const name of Object.keys(headers)) if (name.startsWith(CE.prefix)) present.push(name);
  if (present.length === 0) return undefined;
  const reason = `${CE.specversion}: is required (a binary-mode CloudEvent; the record has ${present.slice(0, 10).join(', ')})`;
  return { ok: false, reason, category: 'schema' };
}

/** `application/cloudevents+json` (and any `application/cloudevents…`): structured mode. */
function isStructuredContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.trimStart().toLowerCase().startsWith('application/cloudevents');
}

/** `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
function isJsonContentType(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === 'application/json';
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
