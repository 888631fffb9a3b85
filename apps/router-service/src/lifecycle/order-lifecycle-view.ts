import {
  classifyLifecycle,
  decodeLifecycleRecord,
  encodeLifecycleRecord,
  LifecycleAnnotation,
  lifecycleKeyOf,
  LifecycleStep,
  ORDER_LIFECYCLE_RETENTION_MS,
  OrderEvent,
  OrderLifecycleRecord,
  stepOf,
} from '@postback/contracts';
import type { OutgoingMessage } from '@postback/kafka';

/** Where an event was read: a re-read of the same place is a batch routed again. */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** An event judged against its order's state, and the changelog record when it advanced the state. */
export interface LifecycleObservation {
  annotation: LifecycleAnnotation;
  /** The order's new state, to be produced with the batch's jobs (undefined: the state did not move). */
  record?: OutgoingMessage;
}

/**
 * The last state routed per order, in memory, from two sources:
 *
 * - **committed**: the changelog topic as read back (broadcast, read-committed): every state a
 *   router's committed batch wrote, this router's own included. Applied idempotently: a record
 *   never moves an order's state back (an older event's, or one already superseded).
 * - **pending**: states this router wrote in batches it has not read back yet (not yet committed,
 *   or committed and still on their way back). They shadow the committed state until read back.
 *
 * A batch that was aborted and is routed again meets the pending states its first run left; a
 * pending state set from the same partition at the same offset or later is such a leftover (a
 * partition's events are routed in offset order), so it is dropped and the event is judged
 * against what the order's earlier events left: the same verdict as the first run. When the
 * committed state itself is the event's own (a duplicate, or an at-least-once re-read after a
 * crash), the event is judged against the state before it, which the record keeps.
 */
export class OrderLifecycleView {
  private readonly committed = new Map<string, OrderLifecycleRecord>();
  private readonly pending = new Map<string, OrderLifecycleRecord>();
  /** The encoded value of each pending state: its own record read back is recognised without parsing it. */
  private readonly pendingValues = new Map<string, string>();

  constructor(
    private readonly topic: string,
    private readonly retentionMs = ORDER_LIFECYCLE_RETENTION_MS,
  ) {}

  /** Orders with a state (committed or pending). */
  get size(): number {
    let extra = 0;
    for (const key of this.pending.keys()) if (!this.committed.has(key)) extra++;
    return this.committed.size + extra;
  }

  /** Judges a valid event and, when it advances its order, makes it the order's (pending) state. */
  observe(event: OrderEvent, at: EventPosition, now: number): LifecycleObservation | undefined {
    const key = lifecycleKeyOf(event);
    if (key === undefined) return undefined;
    const leftover = this.pending.get(key);
    if (
      leftover?.source &&
      leftover.source.topic === at.topic &&
      leftover.source.partition === at.partition &&
      BigInt(leftover.source.offset) >= BigInt(at.offset)
    ) {
      this.forgetPending(key);
    }
    const state = this.pending.get(key) ?? this.committed.get(key);
    // Its own state: judged against the one before, as it was the first time.
    const last: LifecycleStep | null = state ? (state.eventId === event.id ? state.previous : step(state)) : null;
    const verdict = classifyLifecycle(event, last);
    const annotation: LifecycleAnnotation = { previous: last, outOfOrder: verdict.outOfOrder, stale: verdict.stale };
    if (verdict.stale || verdict.outOfOrder) return { annotation };
    const record: OrderLifecycleRecord = {
      schema: 'order-lifecycle/1',
      ...stepOf(event),
      previous: last,
      at: now,
      source: { topic: at.topic, partition: at.partition, offset: at.offset },
    };
    this.pending.set(key, record);
    const encoded = encodeLifecycleRecord(key, record);
    this.pendingValues.set(key, encoded.value);
    return { annotation, record: encoded };
  }

  /** A changelog record read back (broadcast); a null value forgets the order. */
  applyRecord(key: string | null, value: Buffer | null): 'applied' | 'ignored' | 'unreadable' {
    if (key === null) return 'unreadable';
    if (value === null) {
      this.committed.delete(key);
      return 'applied';
    }
    const mine = this.pending.get(key);
    // This router's own write coming back (the usual case): the same bytes, no need to parse them.
    const own = this.pendingValues.get(key);
    const record = mine && own !== undefined && value.length === Buffer.byteLength(own) && value.toString('utf8') === own ? mine : decodeLifecycleRecord(value);
    if (!record) return 'unreadable';
    if (mine && (mine.eventId === record.eventId || !newer(mine, record))) this.forgetPending(key);
    const known = this.committed.get(key);
    if (known && !newer(record, known)) return 'ignored';
    this.committed.set(key, record);
    return 'applied';
  }

  /**
   * Forgets states written longer ago than the retention (the topic deletes them too), and pending
   * states never read back within a minute (their batch was aborted and routed elsewhere).
   */
  sweep(now: number): number {
    let removed = 0;
    for (const [key, r] of this.committed) {
      if (now - r.at > this.retentionMs) {
        this.committed.delete(key);
        removed++;
      }
    }
    for (const [key, r] of this.pending) if (now - r.at > 60_000) this.forgetPending(key);
    return removed;
  }

  private forgetPending(key: string): void {
    this.pending.delete(key);
    this.pendingValues.delete(key);
  }

  /** The changelog topic this view writes. */
  get changelogTopic(): string {
    return this.topic;
  }
}

function step(r: OrderLifecycleRecord): LifecycleStep {
  return { type: r.type, occurredAt: r.occurredAt, eventId: r.eventId };
}

/**
 * Whether `a` is a later state than `b`: the same event rewritten (a batch routed again), or one
 * that occurred later, or at the same instant and written later. Never an older event's.
 */
function newer(a: OrderLifecycleRecord, b: OrderLifecycleRecord): boolean {
  if (a.eventId === b.eventId) return true;
  const d = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  return d > 0 || (d === 0 && a.at >= b.at);
}
