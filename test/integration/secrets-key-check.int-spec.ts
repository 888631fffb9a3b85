import { INestApplication } from '@nestjs/common';
import { KafkaTransport } from '@postback/kafka';
import { SecretBox } from '@postback/security';
import { startService } from '@postback/runtime';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/config-service/src/app.module';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';
import { setupHttp } from '../../apps/config-service/src/http-setup';
import { KEY_CHECK_SETTING, KEY_CHECK_TEXT } from '../../apps/config-service/src/security/secrets-key-check';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitReady } from '../support/platform';
import { TEST_ADMIN_KEY, TEST_SECRETS_KEY, testLogger, uniqueSuffix } from '../support/environment';

jest.setTimeout(60_000);

const OTHER_KEY = 'another-installation-secrets-key-0123456789';

/** At start the config service checks SECRETS_KEY against the key check value in its database. */
describe('the SECRETS_KEY check at start', () => {
  let db: TestDatabase;
  let sql: DataSource;
  const prefix = `k${uniqueSuffix()}.`;

  const start = (secretsKey: string): Promise<INestApplication> => {
    const env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      DATABASE_URL: db.url,
      SECRETS_KEY: secretsKey,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      PLATFORM_SERVICE_URLS: 'none',
    };
    const logger = testLogger('config-service');
    return startService({
      module: AppModule.forRoot(loadServiceConfig(env), logger),
      logger,
      port: 0,
      host: '127.0.0.1',
      setup: setupHttp,
      transport: KafkaTransport,
    });
  };

  const checkValue = async (): Promise<string | undefined> =>
    (await sql.query<Array<{ value: string }>>('SELECT value FROM platform_settings WHERE name = ?', [KEY_CHECK_SETTING]))[0]?.value;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new DataSource({ type: 'mysql', url: db.url });
    await sql.initialize();
  });

  afterAll(async () => {
    await sql?.destroy();
    await db?.drop();
  });

  it('writes a key check value at the first start, sealed with its SECRETS_KEY', async () => {
    expect(await checkValue()).toBeUndefined();
    // Ready: also its background start (the config topic's reconciliation) is over before it closes.
    const app = await waitReady(await start(TEST_SECRETS_KEY));
    await app.close();
    expect(new SecretBox(TEST_SECRETS_KEY).open((await checkValue())!)).toBe(KEY_CHECK_TEXT);
  });

  it('refuses to start with another SECRETS_KEY, naming the cause and the two ways out', async () => {
    const written = await checkValue();
    const failure = await start(OTHER_KEY).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(
      new RegExp(`^SECRETS_KEY does not open the secrets stored in the database "${db.name}": its key check value cannot be opened with it`),
    );
    expect(failure?.message).toMatch(/Either start with the SECRETS_KEY that wrote it/);
    expect(failure?.message).toMatch(/scripts\/reset\.sh/);
    // Nothing was overwritten: the right key still starts.
    expect(await checkValue()).toBe(written);
    const app = await waitReady(await start(TEST_SECRETS_KEY));
    await app.close();
  });
});
