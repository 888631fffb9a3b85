import { Counter, Histogram, Registry } from 'prom-client';

/** The delivery service's domain metrics (names in one place; bounded labels only). */
export class DeliveryMetrics {
  readonly attempts: Counter<'channel' | 'outcome'>;
  readonly attemptDuration: Histogram<'channel'>;
  readonly endToEnd: Histogram<'channel'>;
  readonly renderDuration: Histogram;
  readonly renderErrors: Counter<'code'>;
  readonly jobsInvalid: Counter;

  constructor(registry: Registry) {
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
    this.jobsInvalid = new Counter({
      name: 'postback_delivery_jobs_invalid_total',
      help: 'Delivery jobs that failed validation and were dead-lettered',
      registers,
    });
  }
}
