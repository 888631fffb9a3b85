import { ORDER_EVENT_TYPES } from './event-types';
import { parseOrderEvent } from './order-event';
import { sampleEvent } from './samples';

describe('parseOrderEvent', () => {
  it.each(ORDER_EVENT_TYPES)('accepts the sample %s event', (type) => {
    const result = parseOrderEvent(sampleEvent(type));
    expect(result.ok).toBe(true);
  });

  it('reports every problem with its path', () => {
    const result = parseOrderEvent({ id: '', type: 'order.teleported', occurredAt: 'yesterday', customerId: 42, data: { reference: 'x' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: 'id', message: 'must not be empty' },
        { path: 'type', message: expect.stringContaining('must be one of order.received') as string },
        { path: 'occurredAt', message: expect.stringContaining('ISO-8601') as string },
        { path: 'customerId', message: 'must be a string, got number' },
        { path: 'data.id', message: 'is required' },
      ]),
    );
    expect(result.issues).toHaveLength(5);
  });

  it.each([
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['null', null],
    ['a number', 7],
  ])('refuses %s as an event', (_label, value) => {
    const result = parseOrderEvent(value);
    expect(result).toEqual({ ok: false, issues: [{ path: '$', message: expect.stringContaining('must be a JSON object') as string }] });
  });

  it('refuses a date without a time zone and an impossible date', () => {
    for (const occurredAt of ['2026-05-04T09:12:44', '2026-13-45T09:12:44Z']) {
      const result = parseOrderEvent({ ...sampleEvent('order.received'), occurredAt });
      expect(result.ok).toBe(false);
    }
  });

  it('refuses data that is not an object', () => {
    const result = parseOrderEvent({ ...sampleEvent('order.received'), data: ['ord_1'] });
    expect(result).toEqual({ ok: false, issues: [{ path: 'data', message: 'must be an object, got an array' }] });
  });

  it('accepts a structured CloudEvent and normalizes it to the envelope', () => {
    const sample = sampleEvent('order.shipped');
    const result = parseOrderEvent({
      specversion: '1.0',
      id: 'ce-1',
      source: '/fulfilment/orders',
      type: 'order.shipped',
      time: '2026-05-05T14:03:10+02:00',
      customerid: 'cus_1',
      datacontenttype: 'application/json',
      data: sample.data,
    });
    expect(result).toEqual({
      ok: true,
      value: { id: 'ce-1', type: 'order.shipped', occurredAt: '2026-05-05T14:03:10+02:00', customerId: 'cus_1', data: sample.data },
    });
  });

  it('refuses a CloudEvent of another spec version or without the customer extension', () => {
    const result = parseOrderEvent({ specversion: '0.3', id: 'x', type: 'order.shipped', time: '2026-05-05T14:03:10Z', data: { id: 'o' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['customerid', 'specversion']);
  });

  it('gives each sample realistic order data', () => {
    const shipped = sampleEvent('order.shipped');
    expect(shipped.data.shipment?.trackingNumber).toMatch(/\w{10,}/);
    expect(shipped.data.items?.length).toBeGreaterThan(0);
    expect(sampleEvent('order.failed').data.reason?.code).toBe('OUT_OF_STOCK');
    expect(sampleEvent('order.returned').data.return).toBeDefined();
  });

  it('hands out independent copies of a sample', () => {
    const a = sampleEvent('order.received');
    a.data.reference = 'changed';
    expect(sampleEvent('order.received').data.reference).toBe('PO-2026-004817');
  });
});
