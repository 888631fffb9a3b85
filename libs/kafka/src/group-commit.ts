import { KafkaProducer, MessageSink } from './kafka-client';
import { TopicMessages } from './messages';

interface Pending {
  work: (sink: MessageSink) => Promise<void>;
  offset: { topic: string; partition: number; offset: string };
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for consume-transform-produce: the batches of several partitions that are being
 * handled at the same time share one Kafka transaction (their records and their offsets), instead
 * of one transaction per partition batch. A transaction costs several broker round trips, so this
 * is what keeps the router's latency low when it reads many partitions. Batches that arrive while
 * a transaction is committing go into the next one.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private draining = false;

  constructor(
    private readonly producer: KafkaProducer,
    private readonly consumerGroupId: string,
  ) {}

  /** Runs `work` with a buffering sink; resolves once its records and offset are committed. */
  submit(work: (sink: MessageSink) => Promise<void>, offset: Pending['offset']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ work, offset, resolve, reject });
      if (!this.draining) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) await this.commitGroup(this.pending.splice(0));
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const done: Array<{ p: Pending; out: TopicMessages[] }> = [];
    await Promise.all(
      group.map(async (p) => {
        const out: TopicMessages[] = [];
        const sink: MessageSink = {
          send: (topic, messages) => {
            out.push({ topic, messages });
            return Promise.resolve();
          },
          sendBatch: (batch) => {
            out.push(...batch);
            return Promise.resolve();
          },
        };
        try {
          await p.work(sink);
          done.push({ p, out });
        } catch (e) {
          p.reject(e);
        }
      }),
    );
    if (done.length === 0) return;
    try {
      await this.producer.commitTransaction(
        done.flatMap((d) => d.out),
        { consumerGroupId: this.consumerGroupId, partitions: done.map((d) => d.p.offset) },
      );
      done.forEach((d) => d.p.resolve());
    } catch (e) {
      done.forEach((d) => d.p.reject(e));
    }
  }
}
