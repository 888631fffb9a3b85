/**
 * Publishes a sample order event to Kafka, the way the order platform would.
 *
 *   ts-node tools/publish-event.ts [type] [customerId] [count]      e.g. order.shipped cus_demo_nordic_apparel 20
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
  const count = Number(process.argv[4] ?? 1);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`count must be a whole number from 1 to 100000, got "${process.argv[4]}"`);
  const topic = process.env.ORDER_EVENT_TOPIC ?? TOPICS.orderEvents;
  const logger = createLogger({ service: 'publish-event', level: 'warn' });
  const client = new KafkaClient({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'publish-event' }, logger);
  // One event of the sample's order; more than one, each of its own order.
  const events = Array.from({ length: count }, () => {
    const sample = sampleEvent(type, { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    return count === 1 ? sample : { ...sample, data: { ...sample.data, id: `ord_${randomUUID().slice(0, 10)}` } };
  });
  try {
    const producer = client.producer();
    for (let i = 0; i < events.length; i += 500) {
      await producer.send(
        topic,
        events.slice(i, i + 500).map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
      );
    }
    console.log(
      count === 1
        ? `published ${type} ${events[0].id} for customer ${customerId} to ${topic}`
        : `published ${count} ${type} events for customer ${customerId} to ${topic}`,
    );
  } finally {
    await client.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
