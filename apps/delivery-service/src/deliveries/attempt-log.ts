import type { Logger } from 'pino';

/**
 * Log lines about one attempt, each carrying its delivery id, event id, trigger and attempt number.
 * Plain bindings rather than logger.child(): a child logger per attempt costs more than the
 * attempt's own work.
 */
export class AttemptLog {
  constructor(
    private readonly logger: Logger,
    private readonly ids: Record<string, string | number | undefined>,
  ) {}

  info(fields: object, msg: string): void {
    if (this.logger.isLevelEnabled('info')) this.logger.info({ ...this.ids, ...fields }, msg);
  }

  warn(fields: object, msg: string): void {
    if (this.logger.isLevelEnabled('warn')) this.logger.warn({ ...this.ids, ...fields }, msg);
  }

  error(fields: object, msg: string): void {
    this.logger.error({ ...this.ids, ...fields }, msg);
  }
}
