import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/**
 * What a fetch size smaller than a record batch (KAFKA_MAX_BYTES_PER_PARTITION, 256 KiB by default)
 * relies on, against the real broker: a batch larger than the partition's limit comes back whole,
 * also when the partition is not the first of the fetch that has data. If the broker returned it
 * only for the first such partition, kafkajs (which lists partitions in the same order on every
 * fetch) would leave the partition behind until the partitions before it ran dry.
 */
describe('fetching with a per-partition limit smaller than a record batch', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: 'fetch-size-test', brokers, logLevel: logLevel.NOTHING });
  const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topic = `test.fetch-size.${suffix}`;
  const LIMIT = 16 * 1024;
  const SMALL_BATCHES = 150;
  const PER_BATCH = 10;

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('serves a partition whose next batch is larger than the limit while the partitions before it still have data', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    // Partition 0: a backlog of small batches (10 × 1 KB each), many fetches' worth at 16 KiB a fetch.
    const small = 'x'.repeat(1000);
    for (let b = 0; b < SMALL_BATCHES; b++) {
      await producer.send({ topic, messages: Array.from({ length: PER_BATCH }, (_, i) => ({ partition: 0, value: `${b}.${i}.${small}` })) });
    }
    // Partition 1: one record of 64 KB, four times the fetch limit.
    await producer.send({ topic, messages: [{ partition: 1, value: 'y'.repeat(64 * 1024) }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `fetch-size-${suffix}`, maxBytesPerPartition: LIMIT, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let smallSeen = 0;
    let smallSeenWhenLargeArrived = -1;
    const total = SMALL_BATCHES * PER_BATCH;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          if (batch.partition === 0) smallSeen += batch.messages.length;
          else if (batch.messages.length > 0 && smallSeenWhenLargeArrived < 0) smallSeenWhenLargeArrived = smallSeen;
          if (smallSeen >= total && smallSeenWhenLargeArrived >= 0) resolve();
          await Promise.resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    // Left behind, partition 1 would come only once all 1,500 records of partition 0 were read.
    expect(smallSeenWhenLargeArrived).toBeGreaterThanOrEqual(0);
    expect(smallSeenWhenLargeArrived).toBeLessThan(total / 2);
  }, 60_000);
});
