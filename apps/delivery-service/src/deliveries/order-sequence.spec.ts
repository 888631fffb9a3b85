import { encodeSequenceBlock, sampleEvent, SequenceBlock, sequenceTombstone, TriggerSnapshot } from '@postback/contracts';
import type { ConsumedMessage } from '@postback/kafka';
import { createLogger } from '@postback/observability';
import { newTriggerSnapshot } from '@postback/test-support';
import { Registry } from 'prom-client';
import { OrderSequence } from './order-sequence';
import { SequenceMetrics } from './sequence.metrics';

const logger = createLogger({ service: 'test', level: 'silent' });
const T0 = Date.parse('2026-11-30T10:00:00Z');

describe('OrderSequence', () => {
  let now = T0;
  let ends = new Map<number, bigint>();
  let offset = 0;
  const make = () =>
    new OrderSequence(
      'me',
      new SequenceMetrics(new Registry()),
      logger,
      () => Promise.resolve(ends),
      () => now,
    );
  const block = (patch: Partial<SequenceBlock> = {}): SequenceBlock => ({
    schema: 'order-sequence/1',
    triggerId: 'trg_1',
    orderId: 'ord_1',
    head: 'msg_h',
    since: new Date(T0).toISOString(),
    queued: [],
    ...patch,
  });
  const consumed = (r: { key: string; value: string | null; headers?: Record<string, string> }, partition = 0): ConsumedMessage => ({
    topic: 'postback.order-sequence',
    partition,
    offset: String(offset++),
    key: r.key,
    value: r.value === null ? null : Buffer.from(r.value),
    headers: r.headers ?? {},
    timestamp: '0',
  });
  const ordered = (maxWaitSeconds = 60): TriggerSnapshot => newTriggerSnapshot({ id: 'trg_1', ordering: { mode: 'per-order', maxWaitSeconds, maxQueued: 10 } });
  const jobFor = (deliveryId: string) => ({
    schema: 'delivery-job/1' as const,
    deliveryId,
    triggerId: 'trg_1',
    customerId: 'cus_1',
    triggerRevision: 1,
    attempt: 1,
    routedAt: new Date(T0).toISOString(),
    test: false,
    event: sampleEvent('order.delivered', { data: { ...sampleEvent('order.delivered').data, id: 'ord_1' } }),
  });

  beforeEach(() => {
    now = T0;
    ends = new Map();
    offset = 0;
  });

  it("applies other instances' blocks and tombstones from the topic", () => {
    const s = make();
    s.apply([consumed(encodeSequenceBlock(block()))]);
    expect(s.blocked('trg_1', 'ord_1')?.head).toBe('msg_h');
    s.apply([consumed(sequenceTombstone('trg_1', 'ord_1'))]);
    expect(s.blocked('trg_1', 'ord_1')).toBeUndefined();
  });

  it('keeps its own newer value when its older writes come back, and until its last write has', () => {
    const s = make();
    const t = ordered();
    const first = s.afterAttempt(jobFor('msg_h'), true).write;
    const second = s.admit(jobFor('msg_2'), t as TriggerSnapshot & { ordering: NonNullable<TriggerSnapshot['ordering']> });
    if (!first || second.kind !== 'queued') throw new Error('expected a block and a queued job');
    s.apply([consumed(first as { key: string; value: string })]);
    expect(s.blocked('trg_1', 'ord_1')?.queued.map((q) => q.deliveryId)).toEqual(['msg_2']);
    // A foreign write while its own is still on the way does not overwrite it either.
    s.apply([consumed(encodeSequenceBlock(block({ head: 'msg_other' })))]);
    expect(s.blocked('trg_1', 'ord_1')?.head).toBe('msg_h');
    s.apply([consumed(second.write as { key: string; value: string }), consumed(encodeSequenceBlock(block({ head: 'msg_other' })))]);
    expect(s.blocked('trg_1', 'ord_1')?.head).toBe('msg_other');
  });

  it('sends one release per overdue block (again after a minute), "disabled" when the trigger no longer orders per order, none before the views are up or for an unknown trigger', async () => {
    const s = make();
    s.apply([
      consumed(encodeSequenceBlock(block())),
      consumed(encodeSequenceBlock(block({ triggerId: 'trg_2', head: 'msg_2' }))),
      consumed(encodeSequenceBlock(block({ triggerId: 'trg_unknown', head: 'msg_3' }))),
    ]);
    const triggers = new Map([
      ['trg_1', ordered(60)],
      ['trg_2', newTriggerSnapshot({ id: 'trg_2' })],
    ]);
    now = T0 + 30_000;
    // The job consumers have not started: the trigger view may still be loading.
    expect(s.overdue((id) => triggers.get(id))).toEqual([]);
    await s.sync(1);
    expect(s.overdue((id) => triggers.get(id)).map((r) => JSON.parse(String(r.value)) as unknown)).toEqual([
      { schema: 'sequence-release/1', triggerId: 'trg_2', orderId: 'ord_1', head: 'msg_2', reason: 'disabled' },
    ]);
    now = T0 + 61_000;
    const due = s.overdue((id) => triggers.get(id));
    expect(due.map((r) => [r.key, (JSON.parse(String(r.value)) as { reason: string }).reason])).toEqual([['ord_1', 'limit']]);
    expect(s.overdue((id) => triggers.get(id))).toEqual([]);
    now = T0 + 61_000 + 60_000;
    expect(s.overdue((id) => triggers.get(id)).map((r) => r.key)).toEqual(['ord_1', 'ord_1']);
  });

  it('after a group join, waits until the view has read the state topic to its end', async () => {
    const s = make();
    ends = new Map([[0, 2n]]);
    let synced = false;
    const sync = s.sync(1).then(() => (synced = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(synced).toBe(false);
    s.apply([consumed(encodeSequenceBlock(block())), consumed(sequenceTombstone('trg_1', 'ord_2'))]);
    await sync;
    expect(synced).toBe(true);
    ends = new Map([[0, 99n]]);
    await s.sync(1); // the same generation: no wait
  });
});
