import { randomUUID } from 'node:crypto';
import { deliveryIdFor, KAFKA_HEADERS, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { OutgoingMessage, TopicCollector } from '@postback/kafka';
import { HttpReceiver } from '@postback/test-support';
import { CloudEvent, Kafka, KafkaMessage } from 'cloudevents';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(90_000);

/** Renders what the router took from each attribute, so the two modes can be compared. */
const TEMPLATE = `{
  "eventId": <%~ json(it.id) %>,
  "type": <%~ json(it.type) %>,
  "occurredAt": <%~ json(it.occurredAt) %>,
  "customerId": <%~ json(it.customerId) %>,
  "orderId": <%~ json(it.data.id) %>,
  "tracking": <%~ json(it.data.shipment?.trackingNumber) %>
}`;

/**
 * An order platform publishing with the official CloudEvents SDK's Kafka binding, in binary mode
 * (attributes in ce_* headers, the order as the value) and in structured mode (the JSON envelope
 * as the value): both reach the receiver; a binary record missing an attribute is refused.
 */
describe('CloudEvents from the SDK on the real broker', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let invalid: TopicCollector;
  let triggerId: string;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  const order = sampleEvent('order.shipped').data;

  beforeAll(async () => {
    platform = await startPlatform();
    receiver = await new HttpReceiver().start();
    invalid = await new TopicCollector(platform.kafka, [`${platform.env.KAFKA_TOPIC_PREFIX}orders.events.invalid`]).start();
    producer = platform.kafka.producer();

    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Nordic Apparel AB' })).status).toBe(201);
    const template = await platform.api<{ id: string }>('POST', '/templates', { name: 'CloudEvents', eventTypes: ['order.shipped'], body: TEMPLATE });
    expect(template.status).toBe(201);
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Shop backend',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hooks/orders`,
      templateId: template.body.id,
    });
    expect(created.status).toBe(201);
    const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, {
      force: true,
      reason: 'integration test',
    });
    expect(activated.status).toBe(200);
    triggerId = created.body.id;
    await platform.router.get(TriggerIndex).waitFor(triggerId, activated.body.revision, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(triggerId, activated.body.revision, 15_000);
  });

  afterAll(async () => {
    await invalid?.stop();
    await receiver?.stop();
    await platform?.stop();
  });

  function cloudEvent(): CloudEvent<typeof order> {
    return new CloudEvent({
      specversion: '1.0',
      id: `evt_${randomUUID()}`,
      source: '/fulfilment/orders',
      type: 'order.shipped',
      subject: order.id,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      customerid: customerId,
      partitionkey: order.id,
      data: order,
    });
  }

  /** The SDK's message as a record: headers it leaves undefined are not sent; a JSON value is serialized. */
  function asRecord(message: KafkaMessage<unknown>): OutgoingMessage {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) if (value !== undefined) headers[name] = String(value);
    const value = typeof message.value === 'string' || Buffer.isBuffer(message.value) ? message.value : JSON.stringify(message.value);
    return { key: message.key === undefined ? null : String(message.key), value, headers };
  }

  async function received(eventId: string): Promise<Record<string, unknown>> {
    const id = deliveryIdFor(eventId, triggerId);
    const requests = await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === id), 30_000, `the postback of ${eventId}`);
    const request = requests.find((x) => x.headers['webhook-id'] === id);
    expect(request?.path).toBe('/hooks/orders');
    return JSON.parse(request?.body ?? '') as Record<string, unknown>;
  }

  const expectedBody = (event: CloudEvent<typeof order>) => ({
    eventId: event.id,
    type: 'order.shipped',
    occurredAt: event.time,
    customerId,
    orderId: order.id,
    tracking: order.shipment?.trackingNumber,
  });

  it('delivers a binary-mode event: attributes from the ce_ headers, the order from the value', async () => {
    const event = cloudEvent();
    const record = asRecord(Kafka.binary(event));
    expect(record.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'order.shipped',
      ce_customerid: customerId,
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(record.value))).toEqual(order);

    await producer.send(platform.orderTopic, [record]);

    expect(await received(event.id)).toEqual(expectedBody(event));
  });

  it('delivers a structured-mode event: the JSON envelope as the value', async () => {
    const event = cloudEvent();
    const record = asRecord(Kafka.structured(event));
    expect(record.headers?.['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(record.headers?.ce_specversion).toBeUndefined();

    await producer.send(platform.orderTopic, [record]);

    expect(await received(event.id)).toEqual(expectedBody(event));
  });

  it('refuses a binary-mode record without ce_type or of another specversion, with the reason, and goes on', async () => {
    const noType = cloudEvent();
    const noTypeRecord = asRecord(Kafka.binary(noType));
    delete noTypeRecord.headers?.ce_type;
    const oldSpec = cloudEvent();
    const oldSpecRecord = asRecord(Kafka.binary(oldSpec));
    oldSpecRecord.headers = { ...oldSpecRecord.headers, ce_specversion: '0.3' };
    const next = cloudEvent();

    await producer.send(platform.orderTopic, [noTypeRecord, oldSpecRecord, asRecord(Kafka.binary(next))]);

    const ids = [noType.id, oldSpec.id];
    const refused = await invalid.waitFor((m) => ids.every((id) => m.some((x) => x.headers.ce_id === id)), 20_000, 'the two refused records');
    const reasonOf = (id: string) => refused.find((x) => x.headers.ce_id === id)?.headers[KAFKA_HEADERS.invalidReason];
    expect(reasonOf(noType.id)).toBe('ce_type: is required');
    expect(reasonOf(oldSpec.id)).toBe('ce_specversion: only CloudEvents specversion "1.0" is supported, got "0.3"');
    const refusedValue = refused.find((x) => x.headers.ce_id === noType.id)?.value;
    expect(JSON.parse(String(refusedValue))).toEqual(order);

    expect(await received(next.id)).toEqual(expectedBody(next));
    const delivered = receiver.requests.map((r) => String(r.headers['webhook-id']));
    expect(delivered).not.toContain(deliveryIdFor(noType.id, triggerId));
    expect(delivered).not.toContain(deliveryIdFor(oldSpec.id, triggerId));
  });
});
