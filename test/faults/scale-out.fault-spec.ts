import { ConsumerGroupStatus } from '@postback/kafka';
import { FaultStack } from './fault-stack';

jest.setTimeout(300_000);

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/**
 * Two delivery services share the jobs' partitions. One is killed with -9 in the middle of a burst
 * and not restarted: the other takes its partitions over once the group notices (the session
 * timeout) and delivers what the dead one had fetched but not committed.
 */
describe('kill -9 of one of two delivery services during a burst', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await new FaultStack({ brokers: BROKERS, env: { KAFKA_TOPIC_PARTITIONS: '4' } }).start();
    const group = stack.env.DELIVERY_GROUP_ID;
    const alone = await waitForGroup(stack, group, (s) => s.state === 'Stable' && s.members > 0);
    await stack.startSecondDelivery();
    // Both instances hold partitions before the burst starts.
    await waitForGroup(stack, group, (s) => s.state === 'Stable' && s.members === 2 * alone.members);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('loses nothing: the survivor delivers the rest; duplicates share a webhook-id', async () => {
    const events = stack.events(1500);
    const published = stack.burst(events);
    // Both instances are delivering by the time a fifth of the burst has arrived.
    await stack.receiver.waitFor(() => stack.seen.size >= 300, 60_000, '300 postbacks before the kill');
    stack.secondDelivery?.kill9();
    await published;
    await stack.waitDelivered(events, 180_000);
    const report = stack.report('kill -9 of one of two delivery services during a burst', events);
    expect(report.lost).toBe(0);
    expect(report.delivered).toBe(1500);
    expect(stack.seen.size).toBe(1500);
  });
});

async function waitForGroup(stack: FaultStack, group: string, ok: (s: ConsumerGroupStatus) => boolean): Promise<ConsumerGroupStatus> {
  const deadline = Date.now() + 60_000;
  let last: ConsumerGroupStatus | undefined;
  while (Date.now() < deadline) {
    last = await stack.kafka.groupStatus(group);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`consumer group ${group} did not settle: ${JSON.stringify(last)}`);
}
