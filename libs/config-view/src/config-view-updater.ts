import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { TriggerIndex } from './trigger-index';

/** A record of the config topic, as the Kafka transport hands it over. */
export interface ConfigRecord {
  key: string | null;
  value: Buffer | null;
  offset: string;
}

/**
 * Applies config-topic records to a service's trigger index, counting outcomes in
 * `postback_config_records_total` and logging records it cannot read (they are skipped, never fatal).
 */
export class ConfigViewUpdater {
  private readonly records: Counter<'outcome'>;

  constructor(
    private readonly index: TriggerIndex,
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.records = new Counter({
      name: 'postback_config_records_total',
      help: 'Config-topic records applied to the trigger view',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  apply(records: readonly ConfigRecord[]): void {
    for (const r of records) {
      const { outcome, reason } = this.index.applyRecord(r.key, r.value);
      this.records.inc({ outcome });
      if (outcome === 'ignored') this.logger.warn({ key: r.key, offset: r.offset, reason }, 'config record ignored');
    }
  }
}
