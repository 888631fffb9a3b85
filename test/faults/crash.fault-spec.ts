import { FaultStack } from './fault-stack';

jest.setTimeout(240_000);

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

describe.each([
  ['delivery-service', 'delivery', {}],
  ['router-service', 'router', {}],
  // Without transactions, the events since the last offset commit are routed again after the crash.
  ['router-service, at least once', 'router', { ROUTER_GUARANTEE: 'at-least-once' }],
] as const)('kill -9 of the %s in the middle of a stream', (name, which, env) => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await new FaultStack({ brokers: BROKERS, env }).start();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('delivers every event at least once after the restart; duplicates share a webhook-id; none lost', async () => {
    const events = stack.events(300);
    await stack.stream(events, 100, async (i) => {
      if (i === 100) {
        stack[which].kill9();
        // Restarted at once, as a supervisor would; it recovers from what Kafka committed.
        await stack[which].start();
      }
    });
    await stack.waitDelivered(events);
    const report = stack.report(`kill -9 ${name}`, events);
    expect(report.lost).toBe(0);
    expect(report.delivered).toBe(300);
    // Duplicates are counted by webhook-id: a repeated postback is recognisable as such.
    expect(stack.seen.size).toBe(300);
  });
});
