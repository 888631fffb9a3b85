import { randomUUID } from 'node:crypto';
import { AttemptResult, deliveryIdFor, OrderEvent, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { TopicCollector } from '@postback/kafka';
import { HttpReceiver } from '@postback/test-support';
import { SmtpSink } from '../support/smtp-sink';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

const JSON_TEMPLATE = '{"order": <%~ json(it.data.id) %>, "reference": <%~ json(it.data.reference) %>, "carrier": <%~ json(it.data.shipment?.carrier) %>}';

/** The email channel against a real SMTP server on 127.0.0.1 (smtp-server), read back with mailparser. */
describe('email delivery', () => {
  let platform: TestPlatform;
  let smtp: SmtpSink;
  let http: HttpReceiver;
  let results: TopicCollector;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  let templateId: string;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    http = await new HttpReceiver().start();
    platform = await startPlatform({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'Postbacks <postbacks@platform.example>',
        SMTP_MAX_MESSAGE_BYTES: '20000',
        DELIVERY_RETRY_SCHEDULE: '1s,2s',
        DELIVERY_RETRY_JITTER_PERCENT: '0',
      },
    });
    results = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.delivery-results`]).start();
    producer = platform.kafka.producer();
    await platform.api('POST', '/customers', { id: customerId, name: 'Mail Order Co' });
    templateId = (await platform.api<{ id: string }>('POST', '/templates', { name: 'json', body: JSON_TEMPLATE })).body.id;
  });

  afterAll(async () => {
    await results?.stop();
    await platform?.stop();
    await http?.stop();
    await smtp?.stop();
  });

  async function activate(body: Record<string, unknown>): Promise<string> {
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'mail',
      eventTypes: ['order.shipped'],
      templateId,
      ...body,
    });
    expect(created.status).toBe(201);
    const rev = (await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true })).body
      .revision;
    await platform.router.get(TriggerIndex).waitFor(created.body.id, rev, 15_000);
    await platform.delivery.get(TriggerIndex).waitFor(created.body.id, rev, 15_000);
    return created.body.id;
  }

  const event = (change: (e: OrderEvent) => void = () => undefined) => {
    const e = sampleEvent('order.shipped', {
      id: `evt_${randomUUID()}`,
      customerId,
      data: { ...sampleEvent('order.shipped').data, id: `ord_${randomUUID().slice(0, 8)}` },
    });
    change(e);
    return e;
  };
  const publish = (e: OrderEvent) => producer.send(platform.orderTopic, [{ key: e.data.id, value: JSON.stringify(e) }]);
  const mailFor = (deliveryId: string) =>
    smtp
      .waitFor((m) => m.some((x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId), 30_000, `the mail of ${deliveryId}`)
      .then((m) => m.find((x) => x.parsed.headers.get('x-postback-delivery-id') === deliveryId));
  const resultsOf = (id: string) => results.json<AttemptResult>().filter((r) => r.deliveryId === id);
  async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('sends the rendered subject and a readable body, with the exact JSON attached, equal to what a URL trigger posts', async () => {
    const mailTrigger = await activate({
      channel: 'email',
      email: {
        to: ['ops@shop.example', 'logistics@shop.example'],
        cc: ['cc@shop.example'],
        bcc: ['audit@shop.example'],
        subject: 'Order <%= it.data.reference %> shipped with <%= it.data.shipment.carrier %>',
      },
    });
    const urlTrigger = await activate({ url: `${http.url}/hook` });
    const e = event();
    await publish(e);
    const mail = await mailFor(deliveryIdFor(e.id, mailTrigger));
    const post = (await http.waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(e.id, urlTrigger)), 30_000, 'the post')).find(
      (x) => x.headers['webhook-id'] === deliveryIdFor(e.id, urlTrigger),
    );
    expect(mail?.parsed.subject).toBe('Order PO-2026-004817 shipped with DHL Express');
    expect(mail?.parsed.messageId).toBe(`<${deliveryIdFor(e.id, mailTrigger)}@platform.example>`);
    expect(mail?.parsed.headers.get('x-postback-event-type')).toBe('order.shipped');
    expect(mail?.envelope.to.sort()).toEqual(['audit@shop.example', 'cc@shop.example', 'logistics@shop.example', 'ops@shop.example']);
    expect(mail?.parsed.headers.get('bcc')).toBeUndefined();
    expect(mail?.parsed.text).toContain('"reference": "PO-2026-004817"');
    expect(mail?.parsed.html).toContain('<pre');
    const attachment = mail?.parsed.attachments[0];
    expect(attachment?.contentType).toBe('application/json');
    expect(attachment?.filename).toBe(`postback-${deliveryIdFor(e.id, mailTrigger)}.json`);
    expect(attachment?.content.toString('utf8')).toBe(post?.body);
    expect(JSON.parse(attachment?.content.toString('utf8') ?? '')).toEqual({ order: e.data.id, reference: 'PO-2026-004817', carrier: 'DHL Express' });
  });

  it('cannot be made to add a header or a recipient by hostile event data', async () => {
    const trigger = await activate({ channel: 'email', email: { to: ['ops@shop.example'], subject: 'Order <%= it.data.reference %>' } });
    const e = event((x) => {
      x.data.reference = 'PO-1\r\nBcc: evil@attacker.example\r\nX-Injected: yes\nTo: evil2@attacker.example';
    });
    await publish(e);
    const mail = await mailFor(deliveryIdFor(e.id, trigger));
    expect(mail?.envelope.to).toEqual(['ops@shop.example']);
    expect(mail?.parsed.headers.get('x-injected')).toBeUndefined();
    expect(mail?.parsed.subject).not.toMatch(/[\r\n]/);
    expect(mail?.parsed.subject).toContain('PO-1');
    expect(mail?.raw).not.toMatch(/^X-Injected:/m);
    expect(mail?.raw).not.toMatch(/^Bcc:/m);
  });

  it('retries a transient 451 and delivers', async () => {
    const trigger = await activate({ channel: 'email', email: { to: ['flaky@shop.example'], subject: 'retry me' } });
    let refused = 0;
    smtp.onMessage = (raw) => (raw.includes('retry me') && refused++ === 0 ? { code: 451, message: 'Temporary local problem, try again later' } : undefined);
    const e = event();
    await publish(e);
    const id = deliveryIdFor(e.id, trigger);
    await mailFor(id);
    const attempts = await eventually(() => {
      const r = resultsOf(id);
      return r.some((x) => x.outcome === 'delivered') ? r : undefined;
    }, 'the delivered result');
    expect(attempts.map((x) => [x.attempt, x.outcome, x.error?.code])).toEqual([
      [1, 'retry_scheduled', 'SMTP_451'],
      [2, 'delivered', undefined],
    ]);
    smtp.onMessage = () => undefined;
  });

  it('fails a 550 without retry, and shows it in the delivery log', async () => {
    smtp.onRecipient = (a) => (a === 'nobody@shop.example' ? { code: 550, message: 'No such user here' } : undefined);
    const trigger = await activate({ channel: 'email', email: { to: ['nobody@shop.example'], subject: 'bounce' } });
    const e = event();
    await publish(e);
    const id = deliveryIdFor(e.id, trigger);
    const log = await eventually(async () => {
      const d = (
        await platform.api<{ status: string; attempts: number; attemptLog: Array<{ outcome: string; error?: { code: string; message: string } }> }>(
          'GET',
          `/deliveries/${id}`,
        )
      ).body;
      return d?.status === 'failed' ? d : undefined;
    }, 'the failed delivery');
    expect(log.attempts).toBe(1);
    expect(log.attemptLog[0]).toMatchObject({ outcome: 'failed', error: { code: 'SMTP_550', message: expect.stringContaining('No such user') as string } });
    smtp.onRecipient = () => undefined;
  });

  it('sends an HTML template as HTML with a text part, escaping event data', async () => {
    const html = (
      await platform.api<{ id: string }>('POST', '/templates', {
        name: 'html',
        format: 'html',
        body: '<h1>Order <%= it.data.reference %></h1><p>Shipped with <%= it.data.shipment.carrier %></p>',
      })
    ).body.id;
    const trigger = await activate({ channel: 'email', email: { to: ['html@shop.example'], subject: 'html' }, templateId: html });
    const e = event((x) => {
      x.data.reference = '<script>alert(1)</script>';
    });
    await publish(e);
    const mail = await mailFor(deliveryIdFor(e.id, trigger));
    expect(mail?.parsed.html).toContain('<h1>Order &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(mail?.parsed.text).toContain('Order <script>alert(1)</script>');
    expect(mail?.parsed.attachments).toHaveLength(0);
  });

  it('refuses an oversize message with a clear error', async () => {
    const big = (await platform.api<{ id: string }>('POST', '/templates', { name: 'big', format: 'text', body: '<%= "x".repeat(50000) %>' })).body.id;
    const trigger = await activate({ channel: 'email', email: { to: ['big@shop.example'], subject: 'big' }, templateId: big });
    const e = event();
    await publish(e);
    const final = await eventually(() => resultsOf(deliveryIdFor(e.id, trigger)).find((x) => x.final), 'the final result');
    expect(final).toMatchObject({
      outcome: 'failed',
      error: { code: 'MESSAGE_TOO_LARGE', message: expect.stringContaining('more than the limit of 20000') as string },
    });
  });

  it('test-fires an email trigger from the API', async () => {
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'mail test',
      eventTypes: ['order.shipped'],
      channel: 'email',
      email: { to: ['test@shop.example'], subject: 'Test <%= it.id %>' },
      templateId,
    });
    const res = await platform.api<{ outcome: string; passed: boolean; request: { headers: Record<string, string> }; response: { status: number } }>(
      'POST',
      `/customers/${customerId}/triggers/${created.body.id}/test`,
      {},
    );
    expect(res.body).toMatchObject({ outcome: 'delivered', passed: true, response: { status: 250 } });
    expect(res.body.request.headers.subject).toMatch(/^Test evt_test_/);
    expect(res.body.request.headers['x-postback-test']).toBe('true');
  });

  it('refuses an email trigger without recipients or with a bad subject template', async () => {
    const noEmail = await platform.api<{ errors: Array<{ field: string }> }>('POST', `/customers/${customerId}/triggers`, {
      name: 'x',
      eventTypes: ['order.shipped'],
      channel: 'email',
      templateId,
    });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.errors.map((e) => e.field)).toContain('email');
  });
});
