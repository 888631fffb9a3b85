import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HostHealth } from './host-health';

/** The delivery service's domain metrics (names in one place; bounded labels only). */
export class DeliveryMetrics {
  readonly attempts: Counter<'channel' | 'outcome'>;
  readonly attemptDuration: Histogram<'channel'>;
  readonly endToEnd: Histogram<'channel'>;
  readonly renderDuration: Histogram;
  readonly renderErrors: Counter<'code'>;
  readonly jobsInvalid: Counter;
  readonly retries: Counter<'tier'>;
  readonly deadLettered: Counter<'reason'>;
  readonly deferred: Counter;
  readonly handedOff: Counter;

  constructor(private readonly registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'postback_delivery_attempts_total',
      help: 'Delivery attempts by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'postback_delivery_attempt_duration_seconds',
      help: 'Time of one attempt: request sent to response read',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.endToEnd = new Histogram({
      name: 'postback_delivery_end_to_end_seconds',
      help: "From the event's occurredAt to the postback delivered",
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
      registers,
    });
    this.renderDuration = new Histogram({
      name: 'postback_render_duration_seconds',
      help: 'Template rendering time, queueing in the render pool included',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
      registers,
    });
    this.renderErrors = new Counter({ name: 'postback_render_errors_total', help: 'Renders that failed, by error code', labelNames: ['code'], registers });
    this.retries = new Counter({ name: 'postback_delivery_retries_total', help: 'Retries scheduled, by retry tier', labelNames: ['tier'], registers });
    this.deadLettered = new Counter({
      name: 'postback_delivery_dead_lettered_total',
      help: 'Deliveries that failed for good and went to the dead-letter topic, by error code',
      labelNames: ['reason'],
      registers,
    });
    this.deferred = new Counter({
      name: 'postback_delivery_deferred_total',
      help: 'Jobs moved from the main topic to the retry lane without an attempt (host circuit open or host busy)',
      registers,
    });
    this.handedOff = new Counter({
      name: 'postback_delivery_handed_off_total',
      help: 'Main-topic attempts that outlived the budget: finished in the background, with a hand-off job in the retry lane',
      registers,
    });
    this.jobsInvalid = new Counter({
      name: 'postback_delivery_jobs_invalid_total',
      help: 'Delivery jobs that failed validation and were dead-lettered',
      registers,
    });
  }

  /** `postback_delivery_open_circuits`: destination hosts whose circuit is open now. */
  watchCircuits(health: HostHealth): HostHealth {
    new Gauge({
      name: 'postback_delivery_open_circuits',
      help: 'Destination hosts whose circuit is open (their jobs skip the main topic)',
      registers: [this.registry],
      collect() {
        this.set(health.openHosts());
      },
    });
    return health;
  }
}
