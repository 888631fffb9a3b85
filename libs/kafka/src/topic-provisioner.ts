import type { Logger } from 'pino';
import { KafkaClient } from './kafka-client';
import { TopicSpec } from './topic-spec';

/** Creates the topics a service needs before anything subscribes (KRaft refuses unknown topics). */
export async function provisionTopics(client: KafkaClient, specs: readonly TopicSpec[], logger: Logger): Promise<void> {
  const created = await client.ensureTopics(specs);
  if (created.length > 0) logger.info({ topics: created }, 'created kafka topics');
}
