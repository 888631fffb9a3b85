/**
 * The benchmark's baseline: a plain kafkajs consumer that POSTs each event as it is, with no
 * routing, rendering or signing, using the same batching and concurrency shape as the platform's
 * delivery service (eachBatch, requests of a batch in parallel, keep-alive, commit after the batch).
 * It is the cost floor of "read from Kafka, POST over HTTP" on this machine, with either HTTP client:
 *   BASELINE_CLIENT=axios    axios over node:http with a keep-alive agent
 *   BASELINE_CLIENT=undici   undici's pooled dispatcher (the cheapest honest POST in Node)
 */
// The one deliberate exception to "only libs/kafka imports kafkajs": the baseline must be bare.
// eslint-disable-next-line no-restricted-imports
import { Kafka, logLevel } from 'kafkajs';
import http from 'node:http';
import axios from 'axios';
import { Agent, request } from 'undici';

type Post = (url: string, body: string) => Promise<void>;

function client(kind: string): Post {
  if (kind === 'undici') {
    const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 60_000 });
    return async (url, body) => {
      const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher });
      await res.body.dump();
    };
  }
  const ax = axios.create({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }), timeout: 15_000, validateStatus: () => true });
  return async (url, body) => {
    await ax.post(url, body, { headers: { 'content-type': 'application/json' } });
  };
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const topic = process.env.BASELINE_TOPIC ?? '';
  const target = process.env.BASELINE_TARGET_URL ?? '';
  const post = client(process.env.BASELINE_CLIENT ?? 'axios');
  const kafka = new Kafka({ clientId: 'bench-baseline', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: process.env.BASELINE_GROUP_ID ?? 'bench-baseline' });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const ready = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: Number(process.env.BASELINE_PARTITIONS_CONCURRENTLY ?? 3),
    eachBatch: async ({ batch }) => {
      await Promise.all(batch.messages.map((m) => post(target, m.value?.toString('utf8') ?? '')));
    },
  });
  await ready;
  console.log('baseline consumer ready');
  const stop = () => void consumer.disconnect().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
