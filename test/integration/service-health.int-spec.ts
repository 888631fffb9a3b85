import { INestApplication } from '@nestjs/common';
import { KafkaTransport } from '@postback/kafka';
import { startService } from '@postback/runtime';
import { AppModule as DeliveryAppModule } from '../../apps/delivery-service/src/app.module';
import { loadServiceConfig as loadDeliveryConfig } from '../../apps/delivery-service/src/config/service-config';
import { TEST_SECRETS_KEY, testLogger, uniqueSuffix } from '../support/environment';

jest.setTimeout(30_000);

describe('a service whose broker is unreachable', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const env = {
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_CONNECTION_TIMEOUT_MS: '200',
      KAFKA_TOPIC_PREFIX: `t${uniqueSuffix()}.`,
      SECRETS_KEY: TEST_SECRETS_KEY,
      PORT: '0',
    };
    const logger = testLogger('delivery-service');
    app = await startService({
      module: DeliveryAppModule.forRoot(loadDeliveryConfig(env), logger),
      logger,
      port: 0,
      host: '127.0.0.1',
      transport: KafkaTransport,
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('starts, is live, and says why it is not ready', async () => {
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { status: string; detail?: string }> };
    expect(body.checks.kafka?.status).toBe('down');
    expect(body.checks.consumers).toMatchObject({ status: 'down', detail: expect.stringContaining('not started yet') as string });
  });
});
