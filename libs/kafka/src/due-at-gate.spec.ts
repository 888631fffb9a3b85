import { splitDue } from './due-at-gate';
import type { ConsumedMessage } from './messages';

const msg = (offset: number, dueAt?: number): ConsumedMessage => ({
  topic: 'retry.5s',
  partition: 0,
  offset: String(offset),
  key: null,
  value: null,
  headers: dueAt === undefined ? {} : { 'x-due-at': String(dueAt) },
  timestamp: '0',
});

describe('splitDue', () => {
  it('hands over the due head of a batch and stops at the first record not due', () => {
    const { ready, waiting } = splitDue([msg(1, 100), msg(2, 200), msg(3, 300), msg(4, 150)], 'x-due-at', 200);
    expect(ready.map((m) => m.offset)).toEqual(['1', '2']);
    expect(waiting).toEqual({ message: msg(3, 300), dueAt: 300 });
  });

  it('treats records without the header, or with an unreadable one, as due', () => {
    const bad = { ...msg(2), headers: { 'x-due-at': 'soon' } };
    const { ready, waiting } = splitDue([msg(1), bad], 'x-due-at', 0);
    expect(ready).toHaveLength(2);
    expect(waiting).toBeUndefined();
  });

  it('hands over nothing when the first record is not due', () => {
    const { ready, waiting } = splitDue([msg(1, 1000)], 'x-due-at', 10);
    expect(ready).toEqual([]);
    expect(waiting?.dueAt).toBe(1000);
  });
});
