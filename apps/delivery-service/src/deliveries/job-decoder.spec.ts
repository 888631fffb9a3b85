import { DeliveryJob, encodeDeliveryJob, KAFKA_HEADERS, sampleEvent } from '@postback/contracts';
import type { ConsumedMessage } from '@postback/kafka';
import { JsonText, TemplateRenderer } from '@postback/templating';
import { decodeBatch, eventInput, forgetRecordText } from './job-decoder';

function record(offset: number, value: string | null, key: string | null = 'ord_1'): ConsumedMessage {
  return { topic: 'jobs', partition: 0, offset: String(offset), key, value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0' };
}

const job = (deliveryId: string, orderId: string) =>
  encodeDeliveryJob({
    schema: 'delivery-job/1',
    deliveryId,
    triggerId: 'trg_1',
    customerId: 'cus_1',
    triggerRevision: 1,
    attempt: 1,
    routedAt: new Date().toISOString(),
    test: false,
    event: sampleEvent('order.shipped', { id: `evt_${deliveryId}`, data: { ...sampleEvent('order.shipped').data, id: orderId } }),
  }).value;

describe('decodeBatch', () => {
  it("groups jobs by order, keeping each order's jobs in order", () => {
    const { byOrder, invalid } = decodeBatch(
      [record(1, job('msg_a', 'ord_1')), record(2, job('msg_b', 'ord_2'), 'ord_2'), record(3, job('msg_c', 'ord_1'))],
      () => undefined,
    );
    expect(invalid).toEqual([]);
    expect(byOrder.map((jobs) => jobs.map((j) => ('deliveryId' in j ? j.deliveryId : j.head)))).toEqual([['msg_a', 'msg_c'], ['msg_b']]);
  });

  it('dead-letters what is not a job, with the reason, and reports it', () => {
    const reported: string[] = [];
    const { byOrder, invalid } = decodeBatch([record(1, 'not json'), record(2, null), record(3, '{"schema":"delivery-job/1"}')], (_m, reason) =>
      reported.push(reason),
    );
    expect(byOrder).toEqual([]);
    expect(invalid).toHaveLength(3);
    expect(invalid[0].headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/not valid JSON/);
    expect(invalid[1].headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/empty record/);
    expect(invalid[2].headers?.[KAFKA_HEADERS.invalidReason]).toMatch(/deliveryId/);
    expect(reported).toHaveLength(3);
  });
  it("gives the renders a decoded job's record text, with its event picked; a job built here renders its event", async () => {
    const text = job('msg_a', 'ord_1');
    const decoded = decodeBatch([record(1, text)], () => undefined).byOrder[0][0] as DeliveryJob;
    const input = eventInput(decoded);
    expect(input).toBeInstanceOf(JsonText);
    expect(input).toMatchObject({ text, pick: 'event' });
    const retry: DeliveryJob = { ...decoded, attempt: 2 };
    expect(eventInput(retry)).toBe(retry.event);
    // The template sees the same event either way.
    const renderer = new TemplateRenderer({ workers: 1 });
    try {
      const template = { body: '{"order": <%~ json(it.data) %>, "type": "<%= it.type %>", "id": <%~ json(it.id) %>}', format: 'json' as const };
      const fromRecord = await renderer.render(template, input);
      expect(fromRecord.output).toBe((await renderer.render(template, decoded.event)).output);
      expect(JSON.parse(fromRecord.output).order.id).toBe('ord_1');
    } finally {
      await renderer.close();
    }
  });

  it('keeps no record text for a job once it is told to forget it (a job queued behind its order)', () => {
    const decoded = decodeBatch([record(1, job('msg_q', 'ord_9'))], () => undefined).byOrder[0][0] as DeliveryJob;
    forgetRecordText(decoded);
    expect(eventInput(decoded)).toBe(decoded.event);
  });
});
