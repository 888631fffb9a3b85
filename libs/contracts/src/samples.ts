import { ORDER_EVENT_TYPES, OrderEventType } from './event-types';
import { OrderData, OrderEvent } from './order-event';

/**
 * Realistic sample events, one per event type. The config API serves them as the starting point
 * for templates; tests and the benchmark build their events from them, so all three agree.
 */
const BASE_ORDER: OrderData = {
  id: 'ord_7Q2M9K4XHB',
  reference: 'PO-2026-004817',
  status: 'received',
  placedAt: '2026-05-04T09:12:44Z',
  channel: 'webshop',
  currency: 'EUR',
  total: { amount: 149.7, currency: 'EUR' },
  items: [
    {
      sku: 'TSHIRT-ORG-M-NAVY',
      name: 'Organic cotton T-shirt, navy, M',
      quantity: 2,
      unitPrice: { amount: 29.9, currency: 'EUR' },
    },
    {
      sku: 'HOODIE-ZIP-L-GREY',
      name: 'Zip hoodie "Nordic", grey, L',
      quantity: 1,
      unitPrice: { amount: 89.9, currency: 'EUR' },
    },
  ],
  shippingAddress: {
    name: 'Åsa Lindqvist',
    line1: 'Sveavägen 44',
    line2: '3 tr',
    city: 'Stockholm',
    postalCode: '111 34',
    country: 'SE',
    phone: '+46 70 123 45 67',
    email: 'asa.lindqvist@example.com',
  },
  billingAddress: {
    name: 'Åsa Lindqvist',
    company: 'Lindqvist Design AB',
    line1: 'Sveavägen 44',
    city: 'Stockholm',
    postalCode: '111 34',
    country: 'SE',
  },
};

const SHIPMENT = {
  carrier: 'DHL Express',
  service: 'EXPRESS WORLDWIDE',
  trackingNumber: 'JD014600006281230704',
  trackingUrl: 'https://www.dhl.com/se-en/home/tracking.html?tracking-id=JD014600006281230704',
  shippedAt: '2026-05-05T14:03:10Z',
  estimatedDeliveryAt: '2026-05-07T18:00:00Z',
  packages: [{ weightKg: 1.2, dimensionsCm: { length: 35, width: 25, height: 8 } }],
};

const DATA_BY_TYPE: Record<OrderEventType, Partial<OrderData>> = {
  'order.received': { status: 'received' },
  'order.failed': {
    status: 'failed',
    reason: { code: 'OUT_OF_STOCK', message: 'SKU HOODIE-ZIP-L-GREY is out of stock at every warehouse', actor: 'system' },
  },
  'order.canceled': {
    status: 'canceled',
    reason: { code: 'CUSTOMER_REQUEST', message: 'Canceled by the buyer before production', actor: 'customer-service' },
    canceledAt: '2026-05-04T11:40:00Z',
  },
  'order.returned': {
    status: 'returned',
    reason: { code: 'WRONG_SIZE', message: 'T-shirt too small, buyer wants a refund', actor: 'recipient' },
    return: {
      rmaNumber: 'RMA-88213',
      receivedAt: '2026-05-12T10:21:00Z',
      items: [{ sku: 'TSHIRT-ORG-M-NAVY', quantity: 1, condition: 'unused' }],
      refund: { amount: 29.9, currency: 'EUR' },
    },
  },
  'order.produced': {
    status: 'produced',
    producedAt: '2026-05-05T08:47:31Z',
    warehouse: { id: 'wh-got-1', name: 'Gothenburg DC' },
  },
  'order.shipped': { status: 'shipped', shipment: SHIPMENT },
  'order.in_transit': {
    status: 'in_transit',
    shipment: {
      ...SHIPMENT,
      lastCheckpoint: {
        at: '2026-05-06T03:15:00Z',
        location: 'Leipzig Hub, DE',
        status: 'PROCESSED_AT_HUB',
        description: 'Processed at DHL hub, departing to destination country',
      },
    },
  },
  'order.delivered': {
    status: 'delivered',
    shipment: { ...SHIPMENT, deliveredAt: '2026-05-07T13:58:02Z', signedBy: 'A. LINDQVIST' },
  },
};

const OCCURRED_AT: Record<OrderEventType, string> = {
  'order.received': '2026-05-04T09:12:45Z',
  'order.failed': '2026-05-04T09:30:02Z',
  'order.canceled': '2026-05-04T11:40:00Z',
  'order.returned': '2026-05-12T10:21:00Z',
  'order.produced': '2026-05-05T08:47:31Z',
  'order.shipped': '2026-05-05T14:03:10Z',
  'order.in_transit': '2026-05-06T03:15:00Z',
  'order.delivered': '2026-05-07T13:58:02Z',
};

export const SAMPLE_CUSTOMER_ID = 'cus_demo_nordic_apparel';

/** A fresh deep copy of the sample event for a type; pass overrides for ids, customer, time. */
export function sampleEvent(type: OrderEventType, overrides: Partial<Omit<OrderEvent, 'type'>> = {}): OrderEvent {
  const data: OrderData = structuredClone({ ...BASE_ORDER, ...DATA_BY_TYPE[type] });
  return {
    id: overrides.id ?? `evt_sample_${type.replace('.', '_')}`,
    type,
    occurredAt: overrides.occurredAt ?? OCCURRED_AT[type],
    customerId: overrides.customerId ?? SAMPLE_CUSTOMER_ID,
    data: overrides.data ?? data,
  };
}

export function allSampleEvents(): OrderEvent[] {
  return ORDER_EVENT_TYPES.map((t) => sampleEvent(t));
}
