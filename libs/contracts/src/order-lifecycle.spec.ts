import { ORDER_EVENT_TYPES, OrderEventType } from './event-types';
import {
  classifyLifecycle,
  decodeLifecycleRecord,
  encodeLifecycleRecord,
  goesBackwards,
  lifecycleKey,
  lifecycleKeyOf,
  OrderLifecycleRecord,
  sampleLifecycleAnnotation,
  stepOf,
} from './order-lifecycle';
import { sampleEvent } from './samples';
import { KAFKA_HEADERS } from './topics';

type ShortType = 'received' | 'produced' | 'shipped' | 'in_transit' | 'delivered' | 'canceled' | 'returned' | 'failed';

/**
 * Every (last, next) pair, written out: `x` where next goes backwards from last. Rows are the
 * last state, columns the next event, in the order of the header.
 */
const COLUMNS: ShortType[] = ['received', 'produced', 'shipped', 'in_transit', 'delivered', 'canceled', 'returned', 'failed'];
const MATRIX: Record<ShortType, string> = {
  //          rec pro shi tra del can ret fai
  received: '  .   .   .   .   .   .   .   . ',
  produced: '  x   .   .   .   .   .   .   . ',
  shipped: '   x   x   .   .   .   .   .   . ',
  in_transit: 'x   x   x   .   .   .   .   . ',
  delivered: ' x   x   x   x   .   x   .   x ',
  canceled: '  x   x   x   x   x   .   x   x ',
  returned: '  x   x   x   x   x   x   .   x ',
  failed: '    x   x   x   x   x   x   x   . ',
};

describe('goesBackwards', () => {
  const full = (s: ShortType): OrderEventType => `order.${s}`;
  const cases = Object.entries(MATRIX).flatMap(([last, row]) =>
    row
      .trim()
      .split(/\s+/)
      .map((mark, i) => [last as ShortType, COLUMNS[i], mark === 'x'] as const),
  );

  it('has a verdict for every pair of the eight event types', () => {
    expect(cases).toHaveLength(ORDER_EVENT_TYPES.length ** 2);
    expect(new Set(cases.map(([l, n]) => `${l}>${n}`)).size).toBe(64);
    expect(new Set(COLUMNS.map(full))).toEqual(new Set(ORDER_EVENT_TYPES));
  });

  it.each(cases)('%s then %s: backwards %s', (last, next, backwards) => {
    expect(goesBackwards(full(last), full(next))).toBe(backwards);
  });

  it('names the rules: forward gaps pass, a repeat passes, canceled and failed follow any non-terminal state', () => {
    expect(goesBackwards('order.received', 'order.delivered')).toBe(false);
    expect(goesBackwards('order.in_transit', 'order.in_transit')).toBe(false);
    for (const last of ['order.received', 'order.produced', 'order.shipped', 'order.in_transit'] as const) {
      expect(goesBackwards(last, 'order.canceled')).toBe(false);
      expect(goesBackwards(last, 'order.failed')).toBe(false);
    }
    expect(goesBackwards('order.delivered', 'order.returned')).toBe(false);
    expect(goesBackwards('order.returned', 'order.delivered')).toBe(true);
  });
});

describe('classifyLifecycle', () => {
  const at = (iso: string, type: OrderEventType = 'order.shipped') => ({ type, occurredAt: iso });

  it('finds nothing wrong with an order’s first event', () => {
    expect(classifyLifecycle(at('2026-01-01T00:00:00Z'), null)).toEqual({ stale: false, outOfOrder: false });
  });

  it('is stale when it occurred strictly before the last event, whatever the type', () => {
    expect(classifyLifecycle(at('2026-01-01T10:00:00Z', 'order.in_transit'), at('2026-01-01T10:00:01Z', 'order.shipped'))).toEqual({
      stale: true,
      outOfOrder: false,
    });
    expect(classifyLifecycle(at('2026-01-01T10:00:01Z'), at('2026-01-01T10:00:01Z'))).toEqual({ stale: false, outOfOrder: false });
  });

  it('compares instants, not strings (time zones and precision differ)', () => {
    // 11:00+02:00 is 09:00Z: before 10:00Z although the string sorts after it.
    expect(classifyLifecycle(at('2026-01-01T11:00:00+02:00'), at('2026-01-01T10:00:00.000Z')).stale).toBe(true);
    expect(classifyLifecycle(at('2026-01-01T10:00:00.001Z'), at('2026-01-01T10:00:00Z')).stale).toBe(false);
  });

  it('is both stale and out of order for an older earlier step', () => {
    expect(classifyLifecycle(at('2026-01-01T09:00:00Z', 'order.received'), at('2026-01-01T10:00:00Z', 'order.shipped'))).toEqual({
      stale: true,
      outOfOrder: true,
    });
  });

  it('is out of order but not stale for a newer event after a terminal state', () => {
    expect(classifyLifecycle(at('2026-01-02T00:00:00Z', 'order.in_transit'), at('2026-01-01T00:00:00Z', 'order.delivered'))).toEqual({
      stale: false,
      outOfOrder: true,
    });
  });
});

describe('the changelog record', () => {
  const record: OrderLifecycleRecord = {
    schema: 'order-lifecycle/1',
    type: 'order.shipped',
    occurredAt: '2026-01-01T10:00:00.000Z',
    eventId: 'evt_2',
    previous: { type: 'order.received', occurredAt: '2026-01-01T09:00:00.000Z', eventId: 'evt_1' },
    at: 1_767_261_600_000,
    source: { topic: 'orders.events', partition: 2, offset: '41' },
  };

  it('is keyed by customer and order, and round-trips', () => {
    const encoded = encodeLifecycleRecord(lifecycleKey('cus_a', 'ord_1'), record);
    expect(encoded.key).toBe('cus_a|ord_1');
    expect(encoded.headers[KAFKA_HEADERS.schema]).toBe('order-lifecycle/1');
    expect(decodeLifecycleRecord(Buffer.from(encoded.value))).toEqual(record);
    expect(decodeLifecycleRecord(JSON.stringify({ ...record, previous: null, source: undefined }))).toEqual({ ...record, previous: null, source: undefined });
  });

  it('keys the same order id of two customers apart, and refuses a customer id that could collide', () => {
    const event = sampleEvent('order.shipped', { customerId: 'cus_a' });
    expect(lifecycleKeyOf(event)).toBe(`cus_a|${event.data.id}`);
    expect(lifecycleKeyOf({ ...event, customerId: 'cus_b' })).not.toBe(lifecycleKeyOf(event));
    expect(lifecycleKeyOf({ ...event, customerId: 'cus|a' })).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['another schema', JSON.stringify({ ...record, schema: 'order-lifecycle/2' })],
    ['an unknown type', JSON.stringify({ ...record, type: 'order.lost' })],
    ['a bad date', JSON.stringify({ ...record, occurredAt: 'yesterday' })],
    ['no event id', JSON.stringify({ ...record, eventId: '' })],
    ['no write time', JSON.stringify({ ...record, at: '2026' })],
    ['a bad previous', JSON.stringify({ ...record, previous: { type: 'order.shipped' } })],
    ['a bad source', JSON.stringify({ ...record, source: { topic: 't', partition: '1', offset: '2' } })],
    ['an array', '[]'],
  ])('refuses %s', (_what, value) => {
    expect(decodeLifecycleRecord(value)).toBeUndefined();
  });

  it('takes the step of an event as it is', () => {
    const event = sampleEvent('order.delivered', { id: 'evt_9', occurredAt: '2026-01-01T11:00:00+01:00' });
    expect(stepOf(event)).toEqual({ type: 'order.delivered', occurredAt: '2026-01-01T11:00:00+01:00', eventId: 'evt_9' });
  });

  it('offers a first-event annotation as the preview sample', () => {
    expect(sampleLifecycleAnnotation()).toEqual({ previous: null, outOfOrder: false, stale: false });
  });
});
