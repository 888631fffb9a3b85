import { clampedEnd, planRanges, rangeProgress } from './backfill-plan';

describe('planRanges', () => {
  it('reads each partition from the offset of `from` up to the offset of `to`, in partition order', () => {
    const ranges = planRanges(
      'orders.events',
      new Map([
        [1, 40],
        [0, 10],
      ]),
      new Map([
        [0, 25],
        [1, 40],
      ]),
    );
    expect(ranges).toEqual([
      { topic: 'orders.events', partition: 0, start: 10, end: 25, position: 10 },
      { topic: 'orders.events', partition: 1, start: 40, end: 40, position: 40 },
    ]);
  });

  it('never gives a range that ends before it starts (records with older timestamps after newer ones)', () => {
    expect(planRanges('t', new Map([[0, 30]]), new Map([[0, 20]]))).toEqual([{ topic: 't', partition: 0, start: 30, end: 30, position: 30 }]);
    expect(planRanges('t', new Map([[0, 30]]), new Map())).toEqual([{ topic: 't', partition: 0, start: 30, end: 30, position: 30 }]);
  });
});

describe('rangeProgress', () => {
  it('counts the offsets read of the offsets in the ranges', () => {
    expect(
      rangeProgress([
        { topic: 't', partition: 0, start: 10, end: 20, position: 15 },
        { topic: 't', partition: 1, start: 0, end: 30, position: 30 },
        { topic: 't', partition: 2, start: 5, end: 5, position: 5 },
      ]),
    ).toEqual({ read: 35, total: 40 });
  });

  it('keeps a position outside its range inside it', () => {
    expect(rangeProgress([{ topic: 't', partition: 0, start: 10, end: 20, position: 99 }])).toEqual({ read: 10, total: 10 });
    expect(rangeProgress([{ topic: 't', partition: 0, start: 10, end: 20, position: 0 }])).toEqual({ read: 0, total: 10 });
    expect(rangeProgress([])).toEqual({ read: 0, total: 0 });
  });
});

describe('clampedEnd', () => {
  const now = new Date('2026-05-02T12:00:00Z');
  it('ends the range now at the latest', () => {
    expect(clampedEnd(new Date('2026-06-01T00:00:00Z'), now)).toEqual(now);
    expect(clampedEnd(new Date('2026-05-01T00:00:00Z'), now)).toEqual(new Date('2026-05-01T00:00:00Z'));
  });
});
