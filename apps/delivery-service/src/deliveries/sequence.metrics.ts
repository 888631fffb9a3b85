import { Counter, Gauge, Registry } from 'prom-client';

/** Per-order sequence (see order-sequence.ts). */
export class SequenceMetrics {
  readonly queued: Counter;
  readonly released: Counter<'reason'>;
  readonly gaveUp: Counter<'reason'>;
  readonly problems: Counter<'kind'>;
  private blockedOrders: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.queued = new Counter({
      name: 'postback_order_sequence_queued_total',
      help: 'Deliveries of per-order triggers queued behind an earlier delivery of the same order that waits for a retry',
      registers,
    });
    this.released = new Counter({
      name: 'postback_order_sequence_released_total',
      help: 'Blocked orders let go, by reason: settled (the delivery waited for was delivered or given up), limit (waited too long), disabled',
      labelNames: ['reason'],
      registers,
    });
    this.gaveUp = new Counter({
      name: 'postback_order_sequence_gave_up_total',
      help: 'Blocked orders that gave up waiting (time or count limit): their queued deliveries were sent ahead of the one being retried',
      labelNames: ['reason'],
      registers,
    });
    this.problems = new Counter({
      name: 'postback_order_sequence_problems_total',
      help: 'Per-order sequence trouble, by kind: unreadable_record (a state record ignored), sync (the state topic end not read after a rebalance), limit_send (limit releases not sent)',
      labelNames: ['kind'],
      registers,
    });
    const blocked = () => this.blockedOrders();
    new Gauge({
      name: 'postback_order_sequence_blocked_orders',
      help: 'Orders of per-order triggers waiting for a delivery being retried (this instance’s view of the whole topic)',
      registers,
      collect() {
        this.set(blocked());
      },
    });
  }

  watch(blockedOrders: () => number): void {
    this.blockedOrders = blockedOrders;
  }
}
