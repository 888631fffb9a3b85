import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { KafkaClient } from './kafka-client';
import { ConsumedMessage, toConsumed } from './messages';

/**
 * Reads topics from the beginning into memory, in a private consumer group (committed reads
 * only). For tests, the benchmark and tools that need to see what reached a topic.
 */
export class TopicCollector {
  readonly messages: ConsumedMessage[] = [];
  private consumer: Consumer | undefined;
  private listeners: Array<() => void> = [];

  constructor(
    private readonly client: KafkaClient,
    private readonly topics: string[],
  ) {}

  async start(): Promise<this> {
    await this.client.waitForTopics(this.topics);
    const consumer = this.client.rawConsumer({ groupId: `collector.${randomUUID()}`, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    let joined: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) this.messages.push(toConsumed(batch.topic, batch.partition, m));
        const listeners = this.listeners;
        this.listeners = [];
        listeners.forEach((l) => l());
        await Promise.resolve();
      },
    });
    await ready;
    return this;
  }

  /** Resolves with the matching messages once `predicate` holds, or rejects after `timeoutMs`. */
  async waitFor(predicate: (messages: ConsumedMessage[]) => boolean, timeoutMs = 20_000, what = 'messages'): Promise<ConsumedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${this.topics.join(', ')} (have ${this.messages.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  json<T>(topic?: string): T[] {
    return this.messages.filter((m) => (topic ? m.topic === topic : true) && m.value).map((m) => JSON.parse((m.value as Buffer).toString('utf8')) as T);
  }

  async stop(): Promise<void> {
    if (this.consumer) await this.client.forgetConsumer(this.consumer);
    this.consumer = undefined;
  }
}
