import { FaultStack } from './fault-stack';
import { terminate, TERMINATION_BOUND_MS } from './termination';

jest.setTimeout(300_000);

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

type Which = 'configService' | 'router' | 'delivery';

/** One stack; each service in turn is stopped in the middle of a stream and started again. */
describe('SIGTERM in the middle of a stream, broker up', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await new FaultStack({ brokers: BROKERS }).start();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['router-service', 'router'],
    ['delivery-service', 'delivery'],
    ['config-service', 'configService'],
  ] as Array<[string, Which]>)(
    'the %s exits cleanly within 10 s; after the restart every event is delivered, duplicates only with the same webhook-id',
    async (name, which) => {
      const events = stack.events(300);
      const before = stack.seen.size;
      let stopped: Promise<{ ms: number; code: number | null }> | undefined;
      await stack.stream(events, 100, (i) => {
        // The stream goes on while the service stops, as a rolling restart would see it.
        if (i === 100)
          stopped = terminate(stack[which], name).then(async (r) => {
            await stack[which].start();
            return r;
          });
      });
      const { ms, code } = await stopped!;
      expect(ms).toBeLessThan(TERMINATION_BOUND_MS);
      // Exit 0: everything in flight finished and was committed (1 would mean the deadline struck).
      expect(code).toBe(0);
      await stack.waitDelivered(events);
      const report = stack.report(`SIGTERM ${name}`, events);
      expect(report.lost).toBe(0);
      expect(report.delivered).toBe(300);
      // Nothing else arrived: every postback of these events had one of their webhook-ids.
      expect(stack.seen.size - before).toBe(300);
    },
  );
});
