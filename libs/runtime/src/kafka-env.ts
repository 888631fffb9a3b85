import { KafkaConnectionOptions } from '@postback/kafka';
import { EnvReader } from './env-reader';

/** The Kafka settings every service shares (KAFKA_BROKERS, KAFKA_CLIENT_ID, ...). */
export function readKafkaEnv(env: EnvReader, clientId: string): KafkaConnectionOptions & { partitions: number } {
  const mechanism = env.optionalString('KAFKA_SASL_MECHANISM');
  const options: KafkaConnectionOptions & { partitions: number } = {
    brokers: env.list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    clientId: env.string('KAFKA_CLIENT_ID', clientId),
    ssl: env.bool('KAFKA_SSL', false),
    connectionTimeout: env.int('KAFKA_CONNECTION_TIMEOUT_MS', 3000, { min: 100, max: 60_000 }),
    requestTimeout: env.int('KAFKA_REQUEST_TIMEOUT_MS', 30_000, { min: 1000, max: 300_000 }),
    partitions: env.int('KAFKA_TOPIC_PARTITIONS', 3, { min: 1, max: 1000 }),
  };
  if (mechanism) {
    env.check(['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism) ? undefined : 'KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512');
    options.sasl = {
      mechanism: mechanism as 'plain',
      username: env.string('KAFKA_SASL_USERNAME'),
      password: env.string('KAFKA_SASL_PASSWORD'),
    };
  }
  return options;
}
