import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxRecordEntity } from './outbox-record.entity';
import { OutboxRelay } from './outbox.relay';

export interface OutboxMessage {
  topic: string;
  key: string;
  /** Serialized as JSON; null is a tombstone. */
  value: object | null;
}

/**
 * The write side of the transactional outbox: records are inserted with the change they describe,
 * in the caller's transaction, and published by the relay only once that transaction commits.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly relay: OutboxRelay) {}

  async enqueue(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.insert(
      OutboxRecordEntity,
      messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.value === null ? null : JSON.stringify(m.value) })),
    );
  }

  /** Call after the transaction committed: publishes now instead of at the next poll. */
  published(): void {
    this.relay.nudge();
  }
}
