import { randomBytes } from 'node:crypto';
import { freePort, PrivateBroker } from '../support/processes';
import { FaultStack } from './fault-stack';
import { terminate, TERMINATION_BOUND_MS } from './termination';

jest.setTimeout(300_000);

/**
 * On a private broker that these tests stop and start: the platform must not lose what was
 * accepted, whether the broker comes back under running services or the services are stopped
 * (SIGTERM) while it is away. The two scenarios share the broker and the stack, in this order.
 */
describe('the Kafka broker stopped in the middle of a stream', () => {
  let broker: PrivateBroker;
  let stack: FaultStack;

  beforeAll(async () => {
    broker = new PrivateBroker(`faults-${randomBytes(3).toString('hex')}`, await freePort(), await freePort());
    await broker.kafka('start');
    stack = await new FaultStack({ brokers: broker.brokers }).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await broker?.kafka('reset').catch(() => undefined);
  });

  it('and restarted: delivers every event published, none lost', async () => {
    const events = stack.events(200);
    const before = stack.seen.size;
    await stack.stream(events, 50, async (i) => {
      if (i === 80) {
        await broker.kafka('stop');
        await new Promise((r) => setTimeout(r, 5000));
        await broker.kafka('start');
      }
    });
    await stack.waitDelivered(events, 180_000);
    const report = stack.report('broker stopped and restarted', events);
    expect(report.lost).toBe(0);
    expect(stack.seen.size - before).toBe(200);
  });

  it('while every service gets SIGTERM: each exits within 10 s; restarted with the broker, nothing is lost', async () => {
    const events = stack.events(150);
    const before = stack.seen.size;
    // The broker goes away in the middle of the stream: transactions and commits are in flight.
    await stack.stream(events.slice(0, 100), 100, () => undefined);
    await broker.kafka('stop');
    await new Promise((r) => setTimeout(r, 2000));

    const exits = await Promise.all([
      terminate(stack.router, 'router-service'),
      terminate(stack.delivery, 'delivery-service'),
      terminate(stack.configService, 'config-service'),
    ]);
    for (const { ms } of exits) expect(ms).toBeLessThan(TERMINATION_BOUND_MS);

    await broker.kafka('start');
    await stack.configService.start();
    await stack.router.start();
    await stack.delivery.start();
    await stack.stream(events.slice(100), 100, () => undefined);
    await stack.waitDelivered(events, 180_000);
    const report = stack.report('SIGTERM with the broker stopped, then restarted', events);
    expect(report.lost).toBe(0);
    expect(stack.seen.size - before).toBe(150);
  });
});
