import { FaultStack } from './fault-stack';

jest.setTimeout(240_000);

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

type Which = 'router' | 'delivery';

/**
 * kill -9 of a service in the middle of a stream, restarted at once as a supervisor would: every
 * event is delivered at least once, duplicates share a webhook-id, none is lost. The exactly-once
 * router and the delivery service share one stack (one after the other); the at-least-once router
 * has its own.
 */
describe.each([
  ['exactly-once router (the default)', {}, ['delivery', 'router']],
  // Without transactions, the events since the last offset commit are routed again after the crash.
  ['at-least-once router', { ROUTER_GUARANTEE: 'at-least-once' }, ['router']],
] as Array<[string, Record<string, string>, Which[]]>)('kill -9 in the middle of a stream, %s', (_label, env, services) => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await new FaultStack({ brokers: BROKERS, env }).start();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(services)('of the %s: every event delivered at least once after the restart; duplicates share a webhook-id; none lost', async (which) => {
    const events = stack.events(300);
    const before = stack.seen.size;
    await stack.stream(events, 100, async (i) => {
      if (i === 100) {
        stack[which].kill9();
        // Restarted at once, as a supervisor would; it recovers from what Kafka committed.
        await stack[which].start();
      }
    });
    await stack.waitDelivered(events);
    const report = stack.report(`kill -9 ${which}${env.ROUTER_GUARANTEE ? ` (${env.ROUTER_GUARANTEE})` : ''}`, events);
    expect(report.lost).toBe(0);
    expect(report.delivered).toBe(300);
    // Duplicates are counted by webhook-id: a repeated postback is recognisable as such.
    expect(stack.seen.size - before).toBe(300);
  });
});
