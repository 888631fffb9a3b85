import { freePort, PrivateDatabase } from '../support/processes';
import { FaultStack } from './fault-stack';

jest.setTimeout(300_000);

/**
 * On a private MariaDB that this test stops and starts (never the machine's shared server):
 * routing and delivery go on without MySQL; the config API answers 503 and recovers by itself;
 * the delivery log catches up.
 */
describe('MySQL stopped in the middle of a stream', () => {
  let db: PrivateDatabase;
  let stack: FaultStack;

  beforeAll(async () => {
    db = new PrivateDatabase(await freePort());
    await db.install();
    await db.start();
    stack = await new FaultStack({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', databaseServerUrl: db.serverUrl }).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.destroy();
  });

  it('keeps routing and delivering, answers 503 meanwhile, and recovers by itself', async () => {
    const events = stack.events(200);
    let deliveredWhileDown = 0;
    let statusWhileDown = 0;
    let errorCodeWhileDown = '';
    await stack.stream(events, 50, async (i) => {
      if (i === 50) await db.stop();
      if (i === 150) {
        const res = await fetch(`${stack.configService.url}/customers`, { headers: { 'x-api-key': stack.env.ADMIN_API_KEY } });
        statusWhileDown = res.status;
        errorCodeWhileDown = ((await res.json()) as { code: string }).code;
        deliveredWhileDown = stack.seen.size;
        await db.start();
      }
    });
    await stack.waitDelivered(events);
    expect(statusWhileDown).toBe(503);
    expect(errorCodeWhileDown).toBe('DATABASE_UNAVAILABLE');
    // Events 50..149 were published while MySQL was down: most of them were already delivered then.
    expect(deliveredWhileDown).toBeGreaterThan(100);

    const deadline = Date.now() + 60_000;
    let recovered = 0;
    while (Date.now() < deadline) {
      const res = await fetch(`${stack.configService.url}/deliveries?customerId=${stack.customerId}&limit=1`, {
        headers: { 'x-api-key': stack.env.ADMIN_API_KEY },
      });
      if (res.ok && ((await res.json()) as { total: number }).total === 200) {
        recovered = 200;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(recovered).toBe(200);
    const report = stack.report('MySQL stopped and restarted', events);
    expect(report.lost).toBe(0);
  });
});
