import { randomUUID } from 'node:crypto';
import { AttemptResult, deliveryIdFor, OrderEvent, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { TopicCollector } from '@postback/kafka';
import { HttpReceiver, ReceivedRequest } from '@postback/test-support';
import { XMLParser } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import { SmtpSink } from '../support/smtp-sink';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

// Hostile values: XML specials, form specials, multi-byte characters.
const REFERENCE = `PO <1> & "2" 'x' 100% a+b=c&d ]]>`;
const RECIPIENT = 'Åsa Lindqvist 東京 😀';

const XML_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<order id="<%= it.data.id %>" type="<%= it.type %>">
  <reference><%~ xml(it.data.reference) %></reference>
  <recipient><%= it.data.shippingAddress?.name %></recipient>
  <carrier><%~ xml(it.data.shipment?.carrier) %></carrier>
<% for (const item of it.data.items) { %>  <item sku="<%= item.sku %>" quantity="<%= item.quantity %>"/>
<% } %></order>
`;

/** The receiver's view: verify the Standard Webhooks signature over the exact bytes received (throws when it does not match). */
function verified(request: ReceivedRequest, secret: string): void {
  new Webhook(secret).verify(
    request.raw,
    {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    },
    { jsonParse: false },
  );
}

/** XML and form postbacks on the real broker: content types, signatures over the bytes sent, parsing on the receiver, email attachments. */
describe('payload formats: XML and form postbacks', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let smtp: SmtpSink;
  let results: TopicCollector;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  let xmlTemplate: string;
  let formTemplate: string;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    receiver = await new HttpReceiver().start();
    platform = await startPlatform({
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'Postbacks <postbacks@platform.example>' },
    });
    results = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.delivery-results`]).start();
    producer = platform.kafka.producer();
    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Legacy ERP GmbH' })).status).toBe(201);
    const xml = await platform.api<{ id: string; format: string }>('POST', '/templates', { name: 'ERP order (XML)', format: 'xml', body: XML_TEMPLATE });
    expect([xml.status, xml.body.format]).toEqual([201, 'xml']);
    xmlTemplate = xml.body.id;
    // The form template is made by the Template Mapper: a flat object of fields.
    const form = await platform.api<{ id: string; format: string; body: string }>('POST', '/templates', {
      name: 'Shop form post',
      format: 'form',
      mapping: [
        { target: 'order_id', source: 'data.id' },
        { target: 'reference', source: 'data.reference' },
        { target: 'recipient', source: 'data.shippingAddress.name' },
        { target: 'total', source: 'data.total.amount' },
        { target: 'sku[]', source: 'data.items[].sku' },
        { target: 'gift', source: 'data.gift', default: false, transform: 'boolean' },
      ],
    });
    expect([form.status, form.body.format]).toEqual([201, 'form']);
    formTemplate = form.body.id;
  });

  afterAll(async () => {
    await results?.stop();
    await platform?.stop();
    await receiver?.stop();
    await smtp?.stop();
  });

  async function activate(body: Record<string, unknown>): Promise<{ id: string; signingSecret: string }> {
    const created = await platform.api<{ id: string; signingSecret: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'formats',
      eventTypes: ['order.shipped'],
      ...body,
    });
    expect(created.status).toBe(201);
    const rev = (await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true })).body
      .revision;
    await platform.router.get(TriggerIndex).waitFor(created.body.id, rev, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(created.body.id, rev, 15_000);
    return created.body;
  }

  const event = (): OrderEvent => {
    const e = sampleEvent('order.shipped', {
      id: `evt_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      data: { ...sampleEvent('order.shipped').data, id: `ord_${randomUUID().slice(0, 8)}` },
    });
    e.data.reference = REFERENCE;
    e.data.shippingAddress = { ...e.data.shippingAddress, name: RECIPIENT };
    return e;
  };
  const publish = (e: OrderEvent) => producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e) }]);
  const postFor = async (deliveryId: string) =>
    (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryId), 30_000, `the postback ${deliveryId}`)).find(
      (x) => x.headers['webhook-id'] === deliveryId,
    ) as ReceivedRequest;
  const mailFor = (deliveryId: string) =>
    smtp
      .waitFor((m) => m.some((x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId), 30_000, `the mail of ${deliveryId}`)
      .then((m) => m.find((x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId));

  it('posts XML as application/xml, signed over the exact bytes, parsed by the receiver to the event values; email attaches the same bytes', async () => {
    const url = await activate({ templateId: xmlTemplate, url: `${receiver.url}/erp/orders` });
    const mail = await activate({ templateId: xmlTemplate, channel: 'email', email: { to: ['erp@shop.example'], subject: 'Order <%= it.data.id %>' } });
    const e = event();
    await publish(e);

    const post = await postFor(deliveryIdFor(e.id, url.id));
    expect(post.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(Number(post.headers['content-length'])).toBe(post.raw.length);
    verified(post, url.signingSecret);
    // One byte changed and the signature no longer holds: it is over these bytes.
    expect(() => verified({ ...post, raw: Buffer.from(post.body.replace('</order>', '</order> ')) }, url.signingSecret)).toThrow();
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false }).parse(
      post.raw.toString('utf8'),
    ) as { order: { '@id': string; '@type': string; reference: string; recipient: string; carrier: string; item: Array<Record<string, string>> } };
    expect(parsed.order).toEqual({
      '@id': e.data.id,
      '@type': 'order.shipped',
      reference: REFERENCE,
      recipient: RECIPIENT,
      carrier: 'DHL Express',
      item: [
        { '@sku': 'TSHIRT-ORG-M-NAVY', '@quantity': '2' },
        { '@sku': 'HOODIE-ZIP-L-GREY', '@quantity': '1' },
      ],
    });

    const message = await mailFor(deliveryIdFor(e.id, mail.id));
    const attachment = message?.parsed.attachments[0];
    expect(attachment?.contentType).toBe('application/xml');
    expect(attachment?.filename).toBe(`postback-${deliveryIdFor(e.id, mail.id)}.xml`);
    expect(attachment?.content.equals(post.raw)).toBe(true);
    expect(message?.parsed.text).toContain('&lt;1&gt; &amp; &quot;2&quot;');
  });

  it('posts a form as application/x-www-form-urlencoded, signed over the exact bytes, decoded by the receiver; email attaches the same bytes', async () => {
    const url = await activate({ templateId: formTemplate, url: `${receiver.url}/shop/form` });
    const mail = await activate({ templateId: formTemplate, channel: 'email', email: { to: ['shop@shop.example'], subject: 'Order <%= it.data.id %>' } });
    const e = event();
    await publish(e);

    const post = await postFor(deliveryIdFor(e.id, url.id));
    expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post.raw.toString('latin1')).toMatch(/^[A-Za-z0-9*\-._+%=&]+$/);
    verified(post, url.signingSecret);
    expect(() => verified({ ...post, raw: Buffer.from(`${post.body}&x=1`) }, url.signingSecret)).toThrow();
    const fields = new URLSearchParams(post.raw.toString('utf8'));
    expect([...fields]).toEqual([
      ['order_id', e.data.id],
      ['reference', REFERENCE],
      ['recipient', RECIPIENT],
      ['total', '149.7'],
      ['sku[]', 'TSHIRT-ORG-M-NAVY'],
      ['sku[]', 'HOODIE-ZIP-L-GREY'],
      ['gift', 'false'],
    ]);

    const message = await mailFor(deliveryIdFor(e.id, mail.id));
    const attachment = message?.parsed.attachments[0];
    expect(attachment?.contentType).toBe('application/x-www-form-urlencoded');
    expect(attachment?.filename).toBe(`postback-${deliveryIdFor(e.id, mail.id)}.txt`);
    expect(attachment?.content.equals(post.raw)).toBe(true);
    expect(message?.parsed.text).toContain(`reference: ${REFERENCE}`);
  });

  it("checks a form's object against the trigger's output schema (not sent when it breaks it); XML is not checked, and the preview says so", async () => {
    const schema = { type: 'object', required: ['order_id', 'total'], properties: { total: { type: 'string' } } };
    const form = await activate({ templateId: formTemplate, url: `${receiver.url}/shop/strict`, outputSchema: schema });
    const preview = await platform.api<{ contentType: string; output: string; schemaIssues?: Array<{ path: string }>; schemaNotChecked?: string }>(
      'POST',
      `/customers/${customerId}/triggers/${form.id}/preview`,
      {},
    );
    expect(preview.status).toBe(200);
    expect(preview.body.contentType).toBe('application/x-www-form-urlencoded');
    expect(preview.body.output).toMatch(/^order_id=/);
    expect(preview.body.schemaIssues).toEqual([{ path: '/total', message: 'must be string' }]);
    expect(preview.body.schemaNotChecked).toBeUndefined();

    const e = event();
    await publish(e);
    const id = deliveryIdFor(e.id, form.id);
    const [result] = (await results.waitFor((m) => m.some((x) => x.key === id), 30_000, 'the attempt result'))
      .filter((x) => x.key === id)
      .map((x) => JSON.parse(String(x.value)) as AttemptResult);
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'SCHEMA_MISMATCH' } });
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === id)).toBe(false);

    const xml = await activate({ templateId: xmlTemplate, url: `${receiver.url}/erp/strict`, outputSchema: schema });
    const xmlPreview = await platform.api<{ schemaIssues?: unknown; schemaNotChecked?: string }>(
      'POST',
      `/customers/${customerId}/triggers/${xml.id}/preview`,
      {},
    );
    expect(xmlPreview.body.schemaIssues).toBeUndefined();
    expect(xmlPreview.body.schemaNotChecked).toContain('xml payloads are not checked');
  });

  it('accepts the formats in the config API: preview naming the output line, the mapper, URL triggers, and format changes', async () => {
    const bad = await platform.api<{ errors: Array<{ message: string }>; errorCode?: string }>('POST', '/templates/preview', {
      format: 'xml',
      body: '<order>\n  <id><%= it.data.id %></id>\n  <ref><%= it.data.reference %></reff>\n</order>',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].message).toMatch(/not well-formed XML \(output line 3/);

    const nested = await platform.api<{ errors: Array<{ message: string }> }>('POST', '/templates/preview', {
      format: 'form',
      body: '{ "id": <%~ json(it.data.id) %>, "shipment": <%~ json(it.data.shipment) %> }',
    });
    expect(nested.status).toBe(422);
    expect(nested.body.errors[0].message).toContain('form field "shipment" is an object');

    const compiled = await platform.api<{ body: string }>('POST', '/mapper/compile', { format: 'xml', rules: [{ target: 'order.id', source: 'data.id' }] });
    expect(compiled.status).toBe(200);
    expect(compiled.body.body).toContain('<id><%~ xml(get(it, "data.id")) %></id>');
    const flat = await platform.api<{ errors: Array<{ field: string }> }>('POST', '/mapper/compile', {
      format: 'form',
      rules: [{ target: 'shipment.carrier', source: 'data.shipment.carrier' }],
    });
    expect([flat.status, flat.body.errors.map((x) => x.field)]).toEqual([400, ['mapping[0].target']]);

    // A template used by a URL trigger may move between json, xml and form, not to html or text.
    const t = await platform.api<{ id: string }>('POST', '/templates', { name: 'switching', body: '{"id": <%~ json(it.data.id) %>}' });
    await activate({ templateId: t.body.id, url: `${receiver.url}/switching` });
    const toForm = await platform.api<{ format: string }>('PATCH', `/templates/${t.body.id}`, { format: 'form' });
    expect([toForm.status, toForm.body.format]).toEqual([200, 'form']);
    expect((await platform.api('PATCH', `/templates/${t.body.id}`, { format: 'html' })).status).toBe(409);
    const html = await platform.api<{ id: string }>('POST', '/templates', { name: 'html', format: 'html', body: '<p><%= it.data.id %></p>' });
    const refused = await platform.api<{ errors: Array<{ field: string; message: string }> }>('POST', `/customers/${customerId}/triggers`, {
      name: 'html over http',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/html`,
      templateId: html.body.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'templateId', message: expect.stringContaining('URL triggers send json, xml, form') as string });
  });
});
