import type { Logger } from 'pino';
import { KafkaClient } from './kafka-client';
import { TopicSpec } from './topic-spec';

/**
 * Creates the topics a service needs before anything subscribes or produces (KRaft refuses
 * unknown topics). `ensure()` succeeds once and is then free; a failure is retried on the next call.
 */
export class TopicProvisioner {
  private done: Promise<void> | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly specs: readonly TopicSpec[],
    private readonly logger: Logger,
  ) {}

  ensure(): Promise<void> {
    this.done ??= this.client.ensureTopics(this.specs).then(
      (created) => {
        if (created.length > 0) this.logger.info({ topics: created }, 'created kafka topics');
      },
      (e: unknown) => {
        this.done = undefined;
        throw e;
      },
    );
    return this.done;
  }
}
