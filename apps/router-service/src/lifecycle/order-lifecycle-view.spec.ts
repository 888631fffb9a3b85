import { decodeLifecycleRecord, OrderEvent, OrderEventType, sampleEvent } from '@postback/contracts';
import { EventPosition, OrderLifecycleView } from './order-lifecycle-view';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ev = (id: string, type: OrderEventType, minutes: number, orderId = 'ord_1', customerId = 'cus_a'): OrderEvent => {
  const e = sampleEvent(type, { id, customerId, occurredAt: iso(minutes) });
  return { ...e, data: { ...e.data, id: orderId } };
};
const at = (offset: number, partition = 0): EventPosition => ({ topic: 'orders.events', partition, offset: String(offset) });
const NOW = T0 + 3600_000;

/** What the view said about an event, in short. */
function verdict(view: OrderLifecycleView, e: OrderEvent, position: EventPosition) {
  const seen = view.observe(e, position, NOW);
  return {
    previous: seen?.annotation.previous?.eventId ?? null,
    stale: seen?.annotation.stale,
    outOfOrder: seen?.annotation.outOfOrder,
    wrote: !!seen?.record,
  };
}

/** The view's own output read back, as the broadcast consumer would after the commit. */
function readBack(view: OrderLifecycleView, into: OrderLifecycleView, e: OrderEvent, position: EventPosition) {
  const seen = view.observe(e, position, NOW);
  if (seen?.record) into.applyRecord(seen.record.key, Buffer.from(String(seen.record.value)));
  return seen;
}

describe('OrderLifecycleView', () => {
  let view: OrderLifecycleView;
  beforeEach(() => (view = new OrderLifecycleView('t.postback.order-lifecycle')));

  it('judges each event against the last one that advanced its order, and writes only advancing ones', () => {
    expect(verdict(view, ev('e1', 'order.received', 0), at(1))).toEqual({ previous: null, stale: false, outOfOrder: false, wrote: true });
    expect(verdict(view, ev('e2', 'order.shipped', 10), at(2))).toEqual({ previous: 'e1', stale: false, outOfOrder: false, wrote: true });
    // Stale and backwards: judged, not written; the state stays shipped.
    expect(verdict(view, ev('e3', 'order.produced', 5), at(3))).toEqual({ previous: 'e2', stale: true, outOfOrder: true, wrote: false });
    expect(verdict(view, ev('e4', 'order.delivered', 20), at(4))).toEqual({ previous: 'e2', stale: false, outOfOrder: false, wrote: true });
    expect(verdict(view, ev('e5', 'order.in_transit', 30), at(5))).toEqual({ previous: 'e4', stale: false, outOfOrder: true, wrote: false });
    expect(view.size).toBe(1);
  });

  it('keeps orders of different customers and orders apart', () => {
    verdict(view, ev('e1', 'order.delivered', 10, 'ord_1', 'cus_a'), at(1));
    expect(verdict(view, ev('e2', 'order.shipped', 0, 'ord_1', 'cus_b'), at(2)).previous).toBeNull();
    expect(verdict(view, ev('e3', 'order.shipped', 0, 'ord_2', 'cus_a'), at(3)).previous).toBeNull();
    expect(view.size).toBe(3);
  });

  it('writes the state with the one before it and where the event was read', () => {
    view.observe(ev('e1', 'order.received', 0), at(1), NOW);
    const seen = view.observe(ev('e2', 'order.shipped', 10), at(7, 2), NOW);
    expect(seen?.record?.key).toBe('cus_a|ord_1');
    expect(decodeLifecycleRecord(String(seen?.record?.value))).toEqual({
      schema: 'order-lifecycle/1',
      type: 'order.shipped',
      occurredAt: iso(10),
      eventId: 'e2',
      previous: { type: 'order.received', occurredAt: iso(0), eventId: 'e1' },
      at: NOW,
      source: { topic: 'orders.events', partition: 2, offset: '7' },
    });
  });

  it('routes an aborted batch again to the same verdicts (its pending states are leftovers)', () => {
    const batch = [ev('e1', 'order.shipped', 10), ev('e2', 'order.delivered', 20), ev('e3', 'order.received', 0)];
    const first = batch.map((e, i) => verdict(view, e, at(100 + i)));
    // The transaction was aborted: nothing came back; the same records are read again.
    const again = batch.map((e, i) => verdict(view, e, at(100 + i)));
    expect(again).toEqual(first);
    expect(first.map((v) => v.previous)).toEqual([null, 'e1', 'e2']);
  });

  it('judges a duplicate of the state’s own event as the first time, once committed', () => {
    const committed = new OrderLifecycleView('t');
    readBack(committed, committed, ev('e1', 'order.received', 0), at(1));
    readBack(committed, committed, ev('e2', 'order.shipped', 10), at(2));
    // The same event published again (another offset): its own state, judged against e1.
    expect(verdict(committed, ev('e2', 'order.shipped', 10), at(9))).toEqual({ previous: 'e1', stale: false, outOfOrder: false, wrote: true });
  });

  it('applies its own writes idempotently and never moves a state back', () => {
    const writer = new OrderLifecycleView('t');
    const reader = new OrderLifecycleView('t');
    const first = writer.observe(ev('e1', 'order.shipped', 10), at(1), NOW)!;
    const second = writer.observe(ev('e2', 'order.delivered', 20), at(2), NOW)!;
    const apply = (r: typeof first) => reader.applyRecord(r.record!.key, Buffer.from(String(r.record!.value)));
    expect(apply(second)).toBe('applied');
    expect(apply(first)).toBe('ignored'); // older: a second router's late write, or a re-read
    expect(apply(second)).toBe('applied'); // the same state again
    expect(verdict(reader, ev('e3', 'order.in_transit', 15), at(3))).toMatchObject({ previous: 'e2', stale: true, outOfOrder: true });
  });

  it('drops its pending state once the committed one has caught up, and keeps a newer pending one', () => {
    const e1 = view.observe(ev('e1', 'order.shipped', 10), at(1), NOW)!;
    view.observe(ev('e2', 'order.delivered', 20), at(2), NOW);
    // e1 read back: the pending e2 is newer and still shadows it.
    view.applyRecord(e1.record!.key, Buffer.from(String(e1.record!.value)));
    expect(verdict(view, ev('e3', 'order.in_transit', 30), at(3)).previous).toBe('e2');
  });

  it('forgets an order at a tombstone and skips unreadable records', () => {
    const r = view.observe(ev('e1', 'order.delivered', 10), at(1), NOW)!;
    view.applyRecord('cus_a|ord_1', Buffer.from(String(r.record!.value)));
    expect(view.applyRecord('cus_a|ord_1', Buffer.from('{"schema":"other"}'))).toBe('unreadable');
    expect(view.applyRecord(null, Buffer.from('{}'))).toBe('unreadable');
    view.applyRecord('cus_a|ord_1', null);
    view.sweep(NOW + 120_000); // and the pending copy is forgotten after a minute unseen
    expect(view.size).toBe(0);
  });

  it('forgets states written longer ago than the retention', () => {
    const short = new OrderLifecycleView('t', 1000);
    const r = short.observe(ev('e1', 'order.shipped', 10), at(1), NOW)!;
    short.applyRecord('cus_a|ord_1', Buffer.from(String(r.record!.value)));
    expect(short.sweep(NOW + 500)).toBe(0);
    expect(short.size).toBe(1);
    expect(short.sweep(NOW + 1001)).toBe(1);
    expect(short.size).toBe(0);
  });

  it('does not track an event whose customer id could make keys collide', () => {
    expect(view.observe(ev('e1', 'order.shipped', 0, 'ord_1', 'cus|a'), at(1), NOW)).toBeUndefined();
    expect(view.size).toBe(0);
  });
});
