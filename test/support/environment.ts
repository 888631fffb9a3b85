import { randomBytes } from 'node:crypto';
import { createLogger, Logger } from '@postback/observability';
import { KafkaSettings, EnvReader, readKafkaEnv } from '@postback/runtime';

/** Lower-case unique suffix: tests create their own topics, groups and databases and never clean by hand. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** Kafka settings for one test run: the shared broker (KAFKA_BROKERS), topics under a unique prefix. */
export function testKafkaSettings(clientId: string, prefix: string, partitions = 3, brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'): KafkaSettings {
  const env = new EnvReader({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
  });
  return env.done(readKafkaEnv(env, clientId));
}

export const TEST_DATABASE_SERVER = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
