import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The router's domain metrics (names in one place; bounded labels only). */
export class RouterMetrics {
  readonly eventsConsumed: Counter<'topic'>;
  readonly eventsInvalid: Counter<'reason'>;
  readonly triggersMatched: Counter<'event_type'>;
  readonly jobsProduced: Counter;
  readonly eventsUnmatched: Counter<'event_type'>;
  readonly batchDuration: Histogram;
  readonly outOfOrderEvents: Counter<'kind' | 'action'>;
  readonly ordersTracked: Gauge;
  readonly lifecycleRecords: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsConsumed = new Counter({
      name: 'postback_events_consumed_total',
      help: 'Order events read from the input topics',
      labelNames: ['topic'],
      registers,
    });
    this.eventsInvalid = new Counter({
      name: 'postback_events_invalid_total',
      help: 'Order events refused and sent to the invalid-events topic',
      labelNames: ['reason'],
      registers,
    });
    this.triggersMatched = new Counter({
      name: 'postback_triggers_matched_total',
      help: 'Event-trigger matches (one delivery job each)',
      labelNames: ['event_type'],
      registers,
    });
    this.eventsUnmatched = new Counter({
      name: 'postback_events_unmatched_total',
      help: 'Valid events no active trigger listens to',
      labelNames: ['event_type'],
      registers,
    });
    this.jobsProduced = new Counter({ name: 'postback_delivery_jobs_produced_total', help: 'Delivery jobs produced', registers });
    this.batchDuration = new Histogram({
      name: 'postback_router_batch_duration_seconds',
      help: 'Time to route one consumed batch, transaction commit included',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.outOfOrderEvents = new Counter({
      name: 'postback_router_out_of_order_events_total',
      help: "Stale or backwards events, once per trigger they matched, by kind (stale, backwards, stale_backwards) and the trigger's policy (deliver, skip, annotate)",
      labelNames: ['kind', 'action'],
      registers,
    });
    this.ordersTracked = new Gauge({
      name: 'postback_router_orders_tracked',
      help: 'Orders whose last lifecycle state this router holds in memory',
      registers,
    });
    this.lifecycleRecords = new Counter({
      name: 'postback_router_lifecycle_records_total',
      help: 'Order-lifecycle changelog records read back, by outcome (applied, ignored as older, unreadable)',
      labelNames: ['outcome'],
      registers,
    });
  }
}
