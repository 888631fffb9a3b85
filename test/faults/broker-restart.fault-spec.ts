import { randomBytes } from 'node:crypto';
import { freePort, PrivateBroker } from '../support/processes';
import { FaultStack } from './fault-stack';

jest.setTimeout(300_000);

/** On a private broker that this test stops and starts: the platform must not lose what was accepted. */
describe('the Kafka broker stopped and restarted in the middle of a stream', () => {
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

  it('delivers every event published, none lost', async () => {
    const events = stack.events(200);
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
    expect(stack.seen.size).toBe(200);
  });
});
