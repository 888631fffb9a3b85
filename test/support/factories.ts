import { randomUUID } from 'node:crypto';
import { DeliveryJob, OrderEvent, OrderEventType, sampleEvent, TriggerSnapshot } from '@postback/contracts';

let seq = 0;

/** A trigger snapshot as the config topic carries it; override what the test is about. */
export function newTriggerSnapshot(overrides: Partial<TriggerSnapshot> = {}): TriggerSnapshot {
  seq++;
  return {
    kind: 'trigger',
    id: `trg_test_${seq}`,
    customerId: 'cus_test',
    name: `trigger ${seq}`,
    eventTypes: ['order.shipped'] as OrderEventType[],
    status: 'active',
    channel: 'http',
    http: { url: 'http://127.0.0.1:1/hook', method: 'POST', headers: {}, timeoutMs: 1000 },
    retry: { enabled: true, maxAttempts: 3 },
    template: { id: 'tpl_test', version: 1, format: 'json', body: '{"id": <%~ json(it.id) %>}' },
    sealedSecrets: '',
    revision: 1,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A delivery job's first attempt of the sample `order.shipped` event; override what the test is about. */
export function newDeliveryJob(overrides: Partial<DeliveryJob> = {}): DeliveryJob {
  return {
    schema: 'delivery-job/1',
    deliveryId: 'msg_1',
    triggerId: 'trg_1',
    customerId: 'cus_1',
    triggerRevision: 1,
    attempt: 1,
    routedAt: '2026-11-30T10:00:00.000Z',
    test: false,
    event: sampleEvent('order.shipped'),
    ...overrides,
  };
}

export function snapshotRecord(s: TriggerSnapshot): { key: string; value: Buffer } {
  return { key: `trigger:${s.id}`, value: Buffer.from(JSON.stringify(s)) };
}

/** An order event of one customer's order (a fresh event id), the sample's data with that order id. */
export function orderEvent(type: OrderEventType, customerId: string, orderId: string, occurredAt: Date): OrderEvent {
  return sampleEvent(type, { id: `evt_${randomUUID()}`, customerId, occurredAt: occurredAt.toISOString(), data: { ...sampleEvent(type).data, id: orderId } });
}
