import { randomBytes } from 'node:crypto';
import { freePort, PrivateBroker, ServiceProcess } from '../support/processes';
import { FaultStack } from './fault-stack';

jest.setTimeout(300_000);

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
/** What supervisors usually wait after SIGTERM before SIGKILL; SHUTDOWN_TIMEOUT_MS (8 s) stays under it. */
const BOUND_MS = 10_000;

type Which = 'configService' | 'router' | 'delivery';

async function terminate(service: ServiceProcess, label: string): Promise<{ ms: number; code: number | null }> {
  const result = await service.terminate();
  console.log(`SIGTERM ${label}: exited in ${result.ms} ms with ${result.code ?? result.signal}`);
  if (result.ms >= BOUND_MS) throw new Error(`${label} took ${result.ms} ms to exit\n${service.tail(40)}`);
  return result;
}

describe.each([
  ['router-service', 'router'],
  ['delivery-service', 'delivery'],
  ['config-service', 'configService'],
] as Array<[string, Which]>)('SIGTERM to the %s in the middle of a stream, broker up', (name, which) => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await new FaultStack({ brokers: BROKERS }).start();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('exits cleanly within 10 s; after the restart every event is delivered, duplicates only with the same webhook-id', async () => {
    const events = stack.events(300);
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
    expect(ms).toBeLessThan(BOUND_MS);
    // Exit 0: everything in flight finished and was committed (1 would mean the deadline struck).
    expect(code).toBe(0);
    await stack.waitDelivered(events);
    const report = stack.report(`SIGTERM ${name}`, events);
    expect(report.lost).toBe(0);
    expect(report.delivered).toBe(300);
    expect(stack.seen.size).toBe(300);
  });
});

describe('SIGTERM with the Kafka broker stopped', () => {
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

  it('each service exits within 10 s; restarted with the broker, nothing is lost', async () => {
    const events = stack.events(150);
    // The broker goes away in the middle of the stream: transactions and commits are in flight.
    await stack.stream(events.slice(0, 100), 100, () => undefined);
    await broker.kafka('stop');
    await new Promise((r) => setTimeout(r, 2000));

    const exits = await Promise.all([
      terminate(stack.router, 'router-service'),
      terminate(stack.delivery, 'delivery-service'),
      terminate(stack.configService, 'config-service'),
    ]);
    for (const { ms } of exits) expect(ms).toBeLessThan(BOUND_MS);

    await broker.kafka('start');
    await stack.configService.start();
    await stack.router.start();
    await stack.delivery.start();
    await stack.stream(events.slice(100), 100, () => undefined);
    await stack.waitDelivered(events, 180_000);
    const report = stack.report('SIGTERM with the broker stopped, then restarted', events);
    expect(report.lost).toBe(0);
    expect(stack.seen.size).toBe(150);
  });
});
