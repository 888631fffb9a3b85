import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

export type BackfillOutcome = 'produced' | 'already_delivered' | 'not_matching' | 'invalid';

/** Backfills' metrics: every record read has one outcome; the runs in progress on this instance. */
@Injectable()
export class BackfillMetrics {
  readonly events: Counter<'outcome'>;
  readonly running: Gauge;
  readonly runFailures: Counter;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'postback_backfill_events_total',
      help: 'Order-topic records read by backfills, by outcome: produced (a delivery job), already_delivered, not_matching, invalid',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.runFailures = new Counter({
      name: 'postback_backfill_run_failures_total',
      help: 'Backfill runs that failed and will be tried again (the error is on the backfill and in the log)',
      registers: [registry],
    });
    this.running = new Gauge({ name: 'postback_backfills_running', help: 'Backfills this instance is running now', registers: [registry] });
  }
}
