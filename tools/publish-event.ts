/**
 * Publishes a sample order event to Kafka, the way the order platform would.
 *
 *   ts-node tools/publish-event.ts [type] [customerId]      e.g. order.shipped cus_demo_nordic_apparel
 *   KAFKA_BROKERS=127.0.0.1:9092 ORDER_EVENT_TOPIC=orders.events
 */
import { randomUUID } from 'node:crypto';
import { isOrderEventType, ORDER_EVENT_TYPES, sampleEvent, SAMPLE_CUSTOMER_ID, TOPICS } from '@postback/contracts';
import { KafkaClient } from '@postback/kafka';
import { createLogger } from '@postback/observability';

async function main(): Promise<void> {
  const type = process.argv[2] ?? 'order.shipped';
  if (!isOrderEventType(type)) throw new Error(`unknown event type "${type}"; one of ${ORDER_EVENT_TYPES.join(', ')}`);
  const customerId = process.argv[3] ?? SAMPLE_CUSTOMER_ID;
  const topic = process.env.ORDER_EVENT_TOPIC ?? TOPICS.orderEvents;
  const logger = createLogger({ service: 'publish-event', level: 'warn' });
  const client = new KafkaClient({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'publish-event' }, logger);
  const event = sampleEvent(type, { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
  try {
    const producer = client.producer();
    await producer.send(topic, [{ key: event.data.id, value: JSON.stringify(event) }]);
    console.log(`published ${event.type} ${event.id} for customer ${customerId} to ${topic}`);
  } finally {
    await client.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
