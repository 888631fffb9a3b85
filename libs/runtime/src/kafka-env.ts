import { TopicNames, topicNames } from '@postback/contracts';
import { DEFAULT_MAX_BYTES_PER_PARTITION, KafkaConnectionOptions } from '@postback/kafka';
import { EnvReader } from './env-reader';

export type KafkaSettings = KafkaConnectionOptions & { partitions: number; topics: TopicNames };

/** The Kafka settings every service shares (KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_TOPIC_PREFIX, ...). */
export function readKafkaEnv(env: EnvReader, clientId: string): KafkaSettings {
  const mechanism = env.optionalString('KAFKA_SASL_MECHANISM');
  const prefix = env.optionalString('KAFKA_TOPIC_PREFIX') ?? '';
  env.check(/^[A-Za-z0-9._-]*$/.test(prefix) ? undefined : 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ., _ and -');
  const options: KafkaSettings = {
    brokers: env.list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    clientId: env.string('KAFKA_CLIENT_ID', clientId),
    ssl: env.bool('KAFKA_SSL', false),
    connectionTimeout: env.int('KAFKA_CONNECTION_TIMEOUT_MS', 3000, { min: 100, max: 60_000 }),
    requestTimeout: env.int('KAFKA_REQUEST_TIMEOUT_MS', 30_000, { min: 1000, max: 300_000 }),
    sessionTimeout: env.int('KAFKA_SESSION_TIMEOUT_MS', 30_000, { min: 6000, max: 300_000 }),
    maxBytesPerPartition: env.int('KAFKA_MAX_BYTES_PER_PARTITION', DEFAULT_MAX_BYTES_PER_PARTITION, { min: 16 * 1024, max: 64 * 1024 * 1024 }),
    partitions: env.int('KAFKA_TOPIC_PARTITIONS', 3, { min: 1, max: 1000 }),
    topics: topicNames(prefix),
  };
  if (mechanism) {
    env.check(
      ['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism) ? undefined : 'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512',
    );
    options.sasl = {
      mechanism: mechanism as 'plain',
      username: env.string('KAFKA_SASL_USERNAME'),
      password: env.string('KAFKA_SASL_PASSWORD'),
    };
  }
  return options;
}
