import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KafkaClient } from './kafka-client';
import { KafkaBatch, KafkaTransport } from './kafka.transport';

/**
 * Pipelined transactions (ConsumerBinding.pipelined) against the real broker: a batch returns
 * before its transaction commits, so at a rebalance a member can hold handled batches whose
 * offsets are not committed yet. Each member commits them before it joins again (kafkajs's
 * `beforeJoin`, patched in); without that, the member that keeps a partition, or the one that
 * gets it, reads the old committed offset and the records are handled, and produced, twice.
 *
 * A stream runs through a consume-transform-produce step while members join and leave the group
 * four times; every input record must be in the output exactly once (read committed).
 */
describe('pipelined transactions across rebalances', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: 'pipelined-test', brokers, logLevel: logLevel.NOTHING });
  const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const input = `test.pipelined-in.${suffix}`;
  const output = `test.pipelined-out.${suffix}`;
  const groupId = `pipelined-${suffix}`;
  const logger = pino({ level: 'silent' });
  const members: Array<{ transport: KafkaTransport; client: KafkaClient }> = [];
  const TOTAL = 3000;

  afterAll(async () => {
    await Promise.allSettled(members.map(async (m) => (await m.transport.close(), await m.client.close())));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function member(n: number): Promise<{ transport: KafkaTransport; client: KafkaClient }> {
    const client = new KafkaClient({ brokers, clientId: `pipelined-${n}`, sessionTimeout: 10_000 }, logger);
    const transport = new KafkaTransport({
      client,
      logger,
      transactionalIdPrefix: `pipelined-${suffix}-${n}`,
      producer: client.producer(),
      bindings: [{ pattern: 'copy', topics: [input], mode: 'transactional', groupId, pipelined: true, windowMs: 20, partitionsConsumedConcurrently: 4 }],
    });
    transport.addHandler(
      'copy',
      async (batch: KafkaBatch) => {
        await batch.sink.send(
          output,
          batch.messages.map((m) => ({ key: m.key, value: m.value })),
        );
      },
      true,
    );
    await new Promise<void>((resolve, reject) =>
      transport.listen((err) => (err ? reject(new Error('the transport did not start', { cause: err })) : resolve())),
    );
    const m = { transport, client };
    members.push(m);
    return m;
  }

  async function groupMembers(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.state === 'Stable' ? groups[0].members.length : -1;
    } finally {
      await admin.disconnect();
    }
  }

  async function settled(count: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while ((await groupMembers()) !== count) {
      if (Date.now() > deadline) throw new Error(`the group did not settle with ${count} member(s)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('writes every record exactly once while members join and leave', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: input, numPartitions: 4 },
        { topic: output, numPartitions: 4 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();

    const first = await member(1);
    await settled(1);

    // A steady stream (about 1,000 records a second) while the group changes under it.
    const producer = kafka.producer();
    await producer.connect();
    let sent = 0;
    const stream = (async () => {
      while (sent < TOTAL) {
        await producer.send({ topic: input, messages: Array.from({ length: 10 }, () => ({ key: String(sent % 97), value: String(sent++) })) });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const when = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (sent >= count ? resolve() : setTimeout(check, 5));
        check();
      });

    await when(500);
    await member(2); // rebalance: 1 gives partitions away
    await settled(2);
    await when(1200);
    const third = await member(3); // rebalance: both give partitions away
    await settled(3);
    await when(1900);
    await third.transport.close(); // rebalance: the others take its partitions over
    await settled(2);
    await when(2500);
    await first.transport.close();
    await stream;
    await producer.disconnect();

    // Read the output, committed records only, until all are there and nothing more comes.
    const reader = kafka.consumer({ groupId: `${groupId}-reader`, readUncommitted: false });
    await reader.connect();
    await reader.subscribe({ topics: [output], fromBeginning: true });
    const counts = new Map<string, number>();
    let received = 0;
    let last = Date.now();
    await reader.run({
      eachMessage: async ({ message }) => {
        const v = message.value?.toString() ?? '';
        counts.set(v, (counts.get(v) ?? 0) + 1);
        received++;
        last = Date.now();
        await Promise.resolve();
      },
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (received < TOTAL || Date.now() - last < 2000)) await new Promise((r) => setTimeout(r, 100));
    await reader.disconnect();

    const duplicated = [...counts.values()].filter((c) => c > 1).length;
    const missing = Array.from({ length: TOTAL }, (_, i) => String(i)).filter((v) => !counts.has(v)).length;
    expect({ missing, duplicated, received }).toEqual({ missing: 0, duplicated: 0, received: TOTAL });
  }, 180_000);
});
