import { newTriggerSnapshot, snapshotRecord } from '@postback/test-support';
import { TriggerIndex } from './trigger-index';

describe('TriggerIndex', () => {
  it('matches active triggers by customer and event type only', () => {
    const index = new TriggerIndex();
    const shipped = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ['order.shipped', 'order.delivered'] });
    const other = newTriggerSnapshot({ customerId: 'cus_b', eventTypes: ['order.shipped'] });
    const draft = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ['order.shipped'], status: 'draft' });
    const paused = newTriggerSnapshot({ customerId: 'cus_a', eventTypes: ['order.shipped'], status: 'paused' });
    for (const s of [shipped, other, draft, paused]) index.apply(s);
    expect(index.match('cus_a', 'order.shipped').map((t) => t.id)).toEqual([shipped.id]);
    expect(index.match('cus_a', 'order.delivered').map((t) => t.id)).toEqual([shipped.id]);
    expect(index.match('cus_a', 'order.failed')).toEqual([]);
    expect(index.match('cus_b', 'order.shipped').map((t) => t.id)).toEqual([other.id]);
    expect(index.match('cus_unknown', 'order.shipped')).toEqual([]);
    expect(index.get(draft.id)?.status).toBe('draft');
  });

  it('keeps the highest revision and re-indexes on change', () => {
    const index = new TriggerIndex();
    const v1 = newTriggerSnapshot({ revision: 1, eventTypes: ['order.shipped'] });
    const v2 = { ...v1, revision: 2, eventTypes: ['order.delivered' as const] };
    expect(index.apply(v1)).toBe('applied');
    expect(index.apply(v2)).toBe('applied');
    expect(index.apply(v1)).toBe('stale');
    expect(index.match(v1.customerId, 'order.shipped')).toEqual([]);
    expect(index.match(v1.customerId, 'order.delivered').map((t) => t.revision)).toEqual([2]);
    const paused = { ...v2, revision: 3, status: 'paused' as const };
    index.apply(paused);
    expect(index.match(v1.customerId, 'order.delivered')).toEqual([]);
  });

  it('knows which customers have an active trigger that skips or annotates out-of-order events', () => {
    const index = new TriggerIndex();
    const skip = newTriggerSnapshot({ customerId: 'cus_a', revision: 1, outOfOrder: 'skip' });
    const annotate = newTriggerSnapshot({ customerId: 'cus_a', revision: 1, outOfOrder: 'annotate' });
    const deliver = newTriggerSnapshot({ customerId: 'cus_b', revision: 1, outOfOrder: 'deliver' });
    const draft = newTriggerSnapshot({ customerId: 'cus_c', revision: 1, outOfOrder: 'skip', status: 'draft' });
    for (const s of [skip, annotate, deliver, draft]) index.apply(s);
    expect(['cus_a', 'cus_b', 'cus_c'].map((c) => index.tracksLifecycle(c))).toEqual([true, false, false]);
    index.apply({ ...skip, revision: 2, status: 'paused' });
    expect(index.tracksLifecycle('cus_a')).toBe(true);
    index.applyRecord(`trigger:${annotate.id}`, null);
    expect(index.tracksLifecycle('cus_a')).toBe(false);
    // Re-publishing an inactive trigger does not count it again, nor un-count what never was.
    index.apply({ ...draft, revision: 2 });
    index.apply({ ...draft, revision: 3, status: 'active' });
    expect(index.tracksLifecycle('cus_c')).toBe(true);
  });

  it('removes a trigger on a tombstone and ignores an older snapshot arriving later', () => {
    const index = new TriggerIndex();
    const s = newTriggerSnapshot({ revision: 4 });
    index.applyRecord(snapshotRecord(s).key, snapshotRecord(s).value);
    expect(index.applyRecord(`trigger:${s.id}`, null).outcome).toBe('deleted');
    expect(index.get(s.id)).toBeUndefined();
    expect(index.match(s.customerId, 'order.shipped')).toEqual([]);
    expect(index.apply({ ...s, revision: 3 })).toBe('stale');
    expect(index.apply({ ...s, revision: 5 })).toBe('applied');
  });

  it('reports records it cannot read instead of throwing', () => {
    const index = new TriggerIndex();
    expect(index.applyRecord(null, Buffer.from('{}')).outcome).toBe('ignored');
    expect(index.applyRecord('customer:1', Buffer.from('{}')).outcome).toBe('ignored');
    expect(index.applyRecord('trigger:x', Buffer.from('not json')).outcome).toBe('ignored');
    expect(index.applyRecord('trigger:x', Buffer.from('{"kind":"trigger","id":"y"}')).outcome).toBe('ignored');
    expect(index.size).toBe(0);
  });

  it('lets a reader wait for a revision the router already saw', async () => {
    const index = new TriggerIndex();
    const s = newTriggerSnapshot({ revision: 1 });
    index.apply(s);
    const waiting = index.waitFor(s.id, 2, 5000);
    setTimeout(() => index.apply({ ...s, revision: 2, name: 'renamed' }), 20);
    await expect(waiting).resolves.toMatchObject({ revision: 2, name: 'renamed' });
    await expect(index.waitFor(s.id, 2, 10)).resolves.toMatchObject({ revision: 2 });
    await expect(index.waitFor('trg_never', 1, 20)).resolves.toBeUndefined();
  });
});
