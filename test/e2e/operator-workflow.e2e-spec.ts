import { randomUUID } from 'node:crypto';
import { deliveryIdFor, OrderEvent, sampleEvent } from '@postback/contracts';
import { HttpReceiver } from '@postback/test-support';
import { Webhook } from 'standardwebhooks';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(120_000);

interface Err {
  statusCode: number;
  code: string;
  message: string;
  errors?: Array<{ field: string; message: string; line?: number }>;
  details?: Record<string, unknown>;
}

/**
 * The seed's workflow (shared/seed/postback-setup-guide.txt), end to end through the public API
 * and Kafka: customer, templates in both places, the mapper, preview, a trigger, test, activate,
 * and a real order event delivered as the mapped, signed postback.
 */
describe('operator workflow, as in the setup guide', () => {
  let platform: TestPlatform;
  let receiver: HttpReceiver;
  let producer: ReturnType<TestPlatform['kafka']['producer']>;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;
  const state: { triggerId?: string; secret?: string; mappedTemplateId?: string; previewOutput?: string; readKey?: string; readKeyId?: string } = {};

  beforeAll(async () => {
    platform = await startPlatform();
    receiver = await new HttpReceiver().start();
    producer = platform.kafka.producer();
  });

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
  });

  const api = <T = unknown>(method: string, path: string, body?: unknown, key?: string) => platform.api<T>(method, path, body, key);
  const publish = (event: OrderEvent) => producer.send(platform.orderTopic, [{ key: event.data.id, value: JSON.stringify(event) }]);
  const postbackFor = (event: OrderEvent) =>
    receiver
      .waitFor((r) => r.some((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, state.triggerId as string)), 30_000, `the postback of ${event.id}`)
      .then((r) => r.find((x) => x.headers['webhook-id'] === deliveryIdFor(event.id, state.triggerId as string)) as (typeof r)[number]);

  it('1. the customer exists in the system', async () => {
    const res = await api<{ id: string }>('POST', '/customers', {
      id: customerId,
      name: 'Nordic Apparel AB',
      externalRef: `ERP-${customerId}`,
      contactEmail: 'ops@nordic.example',
    });
    expect(res.status).toBe(201);
    expect((await api<{ total: number }>('GET', `/customers?q=${customerId}`)).body.total).toBe(1);
  });

  it('2. a template is created in the Templates section and one from the customer profile', async () => {
    const global = await api<{ id: string; customerId: string | null; latestVersion: number }>('POST', '/templates', {
      name: 'Generic order update',
      eventTypes: ['order.received', 'order.shipped'],
      body: '{"event": "<%= it.type %>", "order": <%~ json(it.data.id) %>}',
    });
    expect(global.status).toBe(201);
    expect(global.body).toMatchObject({ customerId: null, latestVersion: 1 });
    const own = await api<{ id: string; customerId: string }>('POST', `/customers/${customerId}/templates`, { name: 'Own template', body: '{"ok": true}' });
    expect(own.status).toBe(201);
    expect(own.body.customerId).toBe(customerId);
    const listed = await api<{ items: Array<{ id: string }> }>('GET', `/customers/${customerId}/templates`);
    expect(listed.body.items.map((t) => t.id)).toEqual([own.body.id]);
    const section = await api<{ items: Array<{ id: string }> }>('GET', '/templates?scope=global&limit=200');
    expect(section.body.items.map((t) => t.id)).toContain(global.body.id);
  });

  it('3-4. the template is mapped from the order.shipped sample with the Template Mapper and previewed', async () => {
    const sample = await api<OrderEvent>('GET', '/event-types/order.shipped/sample');
    expect(sample.body.data.shipment?.trackingNumber).toBeTruthy();
    const fields = await api<{ fields: Array<{ path: string }> }>('POST', '/mapper/fields', { eventType: 'order.shipped' });
    expect(fields.body.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['data.shipment.trackingNumber', 'data.items[].sku']));
    const mapping = [
      { target: 'orderNumber', source: 'data.reference' },
      { target: 'status', source: 'type', transform: 'upper' },
      { target: 'tracking.carrier', source: 'data.shipment.carrier' },
      { target: 'tracking.number', source: 'data.shipment.trackingNumber', default: 'pending' },
      { target: 'tracking.url', source: 'data.shipment.trackingUrl' },
      { target: 'shippedOn', source: 'data.shipment.shippedAt', transform: 'date', format: 'YYYY-MM-DD' },
      { target: 'recipient', source: 'data.shippingAddress.name' },
      { target: 'skus', source: 'data.items[].sku' },
    ];
    const compiled = await api<{ body: string }>('POST', '/mapper/compile', { rules: mapping });
    expect(compiled.status).toBe(200);
    expect(compiled.body.body).toContain('get(it, "data.shipment.trackingNumber")');
    const created = await api<{ id: string; mapping: unknown[]; body: string }>('POST', `/customers/${customerId}/templates`, {
      name: 'Shipment notice (mapped)',
      eventTypes: ['order.shipped'],
      mapping,
    });
    expect(created.status).toBe(201);
    expect(created.body.body).toBe(compiled.body.body);
    state.mappedTemplateId = created.body.id;

    const preview = await api<{ output: string; contentType: string }>('POST', `/templates/${created.body.id}/preview`, { eventType: 'order.shipped' });
    expect(preview.status).toBe(200);
    expect(preview.body.contentType).toBe('application/json');
    expect(JSON.parse(preview.body.output)).toEqual({
      orderNumber: 'PO-2026-004817',
      status: 'ORDER.SHIPPED',
      tracking: { carrier: 'DHL Express', number: 'JD014600006281230704', url: expect.stringContaining('dhl.com') as string },
      shippedOn: '2026-05-05',
      recipient: 'Åsa Lindqvist',
      skus: ['TSHIRT-ORG-M-NAVY', 'HOODIE-ZIP-L-GREY'],
    });
  });

  it('previews hostile custom input as valid JSON, and names the line of a broken template', async () => {
    const hostile = 'Robert"); DROP TABLE orders;--\n\u2028 😀 <%= x %>';
    const preview = await api<{ output: string }>('POST', `/templates/${state.mappedTemplateId}/preview`, {
      input: { type: 'order.shipped', data: { reference: hostile, shippingAddress: { name: hostile }, items: [{ sku: hostile }] } },
    });
    expect(preview.status).toBe(200);
    const parsed = JSON.parse(preview.body.output) as { orderNumber: string; recipient: string; skus: string[]; tracking: { number: string } };
    expect(parsed.orderNumber).toBe(hostile);
    expect(parsed.skus).toEqual([hostile]);
    expect(parsed.tracking.number).toBe('pending');

    const broken = await api<Err>('POST', '/templates/preview', { body: '{\n  "a": <%~ it.data.id %>,\n  "b": <%~ json(it.nope.deeper) %>\n}' });
    expect(broken.status).toBe(422);
    expect(broken.body.errors?.[0]).toMatchObject({ field: 'body', line: 3 });
    const notJson = await api<Err>('POST', '/templates/preview', { body: '{"a": <%~ it.data.reference %>}' });
    expect(notJson.status).toBe(422);
    expect(notJson.body.message).toMatch(/not valid JSON/);
    expect(notJson.body.details?.output).toBe('{"a": PO-2026-004817}');
    const syntax = await api<Err>('POST', '/templates', { name: 'bad', body: 'line 1\nline 2\n<% if (x { %>\n' });
    expect(syntax.status).toBe(422);
    expect(syntax.body.errors?.[0]?.line).toBe(3);
  });

  it('5. a trigger is added to the customer: name, event type, URL, POST, JSON, retry on failure', async () => {
    const res = await api<{ id: string; status: string; signingSecret: string; testedCurrentConfig: boolean }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Shop backend: shipments',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/hooks/orders`,
      method: 'POST',
      format: 'json',
      retryOnFailure: true,
      maxAttempts: 5,
      templateId: state.mappedTemplateId,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', testedCurrentConfig: false });
    expect(res.body.signingSecret).toMatch(/^whsec_/);
    state.triggerId = res.body.id;
    state.secret = res.body.signingSecret;
  });

  it('refuses to activate before a successful test', async () => {
    const res = await api<Err>('POST', `/customers/${customerId}/triggers/${state.triggerId}/activate`, {});
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/test/);
  });

  it('6. the trigger is tested through the real pipeline: what was sent and what came back', async () => {
    receiver.responder = () => ({ status: 200, body: '{"received":true}' });
    const res = await api<{
      outcome: string;
      passed: boolean;
      deliveryId: string;
      request: { body: string; headers: Record<string, string> };
      response: { status: number; bodyExcerpt: string };
    }>('POST', `/customers/${customerId}/triggers/${state.triggerId}/test`, { eventType: 'order.shipped' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'delivered', passed: true, response: { status: 200, bodyExcerpt: '{"received":true}' } });
    expect(res.body.request.headers['x-postback-test']).toBe('true');
    const got = receiver.requests.find((r) => r.headers['webhook-id'] === res.body.deliveryId);
    expect(got?.body).toBe(res.body.request.body);
    // The preview and the live render are the same function: the test sent what the preview shows (sample aside from ids).
    const preview = await api<{ output: string }>('POST', `/templates/${state.mappedTemplateId}/preview`, { eventType: 'order.shipped' });
    expect(JSON.parse(res.body.request.body)).toEqual(JSON.parse(preview.body.output));
    const log = await api<{ status: string; test: boolean; attemptLog: unknown[] }>('GET', `/deliveries/${res.body.deliveryId}`);
    expect(log.body).toMatchObject({ status: 'delivered', test: true });
  });

  it('7. the trigger is activated, and every matching order event is delivered, mapped and signed', async () => {
    const activated = await api<{ status: string; testedCurrentConfig: boolean }>('POST', `/customers/${customerId}/triggers/${state.triggerId}/activate`, {});
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: 'active', testedCurrentConfig: true });

    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    await publish(event);
    const got = await postbackFor(event);
    const body = new Webhook(state.secret as string).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    });
    expect(body).toMatchObject({ orderNumber: 'PO-2026-004817', status: 'ORDER.SHIPPED', tracking: { number: 'JD014600006281230704' } });
    expect(got.headers['x-postback-test']).toBeUndefined();
  });

  it("previews a trigger's postback byte for byte as live delivery sends it, meta included", async () => {
    const body =
      '{"order": <%~ json(it.data.id) %>, "ref": "<%= it.data.reference %>", "customer": <%~ json(it.customerId) %>,\n' +
      ' "delivery": <%~ json(meta.deliveryId) %>, "attempt": <%~ json(meta.attempt) %>, "test": <%~ json(meta.test) %>,\n' +
      ' "trigger": <%~ json(meta.trigger) %>, "for": <%~ json(meta.customer.id) %>, "note": "ünïcode \\u2028 <&>"}';
    const template = await api<{ id: string }>('POST', `/customers/${customerId}/templates`, { name: 'With meta', body });
    expect(template.status).toBe(201);
    const created = await api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Meta check',
      eventTypes: ['order.delivered'],
      url: `${receiver.url}/meta`,
      templateId: template.body.id,
    });
    const path = `/customers/${customerId}/triggers/${created.body.id}`;
    expect((await api<{ passed: boolean }>('POST', `${path}/test`, { eventType: 'order.delivered' })).body.passed).toBe(true);
    expect((await api('POST', `${path}/activate`, {})).status).toBe(200);

    const event = sampleEvent('order.delivered', {
      id: `evt_${randomUUID()}`,
      customerId,
      occurredAt: new Date().toISOString(),
      data: { ...sampleEvent('order.delivered').data, reference: 'PO "quoted" \\ ✓' },
    });
    const id = deliveryIdFor(event.id, created.body.id);
    await new Promise((r) => setTimeout(r, 500));
    await publish(event);
    const got = (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === id), 30_000, 'the meta postback')).find(
      (x) => x.headers['webhook-id'] === id,
    );
    const preview = await api<{ output: string; contentType: string }>('POST', `${path}/preview`, { input: event });
    expect(preview.status).toBe(200);
    expect(Buffer.from(preview.body.output)).toEqual(Buffer.from(got?.body ?? ''));
    expect(JSON.parse(preview.body.output)).toMatchObject({
      delivery: id,
      attempt: 1,
      test: false,
      trigger: { id: created.body.id, name: 'Meta check' },
      for: customerId,
    });
    await api('POST', `${path}/pause`);
  });

  it("never sends a payload that breaks the customer's contract, and replays it once the template is fixed", async () => {
    const template = await api<{ id: string }>('POST', `/customers/${customerId}/templates`, {
      name: 'Contract',
      body: '{"orderNumber": <%~ json(it.data.reference) %>}',
    });
    const outputSchema = {
      type: 'object',
      required: ['orderNumber', 'total'],
      properties: { orderNumber: { type: 'string' }, total: { type: 'number' } },
    };
    const refused = await api<Err>('POST', `/customers/${customerId}/triggers`, {
      name: 'Bad contract',
      eventTypes: ['order.canceled'],
      url: `${receiver.url}/contract`,
      templateId: template.body.id,
      outputSchema: { type: 'nonsense' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.field).toBe('outputSchema');
    const created = await api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Contract check',
      eventTypes: ['order.canceled'],
      url: `${receiver.url}/contract`,
      templateId: template.body.id,
      outputSchema,
    });
    expect(created.status).toBe(201);
    const path = `/customers/${customerId}/triggers/${created.body.id}`;

    // Preview shows the mismatch next to the output; the test-fire is not sent.
    const preview = await api<{ output: string; schemaIssues: Array<{ path: string; message: string }> }>('POST', `${path}/preview`, {});
    expect(preview.body.schemaIssues).toEqual([{ path: '/total', message: 'is required' }]);
    const test = await api<{ passed: boolean; outcome: string; deliveryId: string; error: { code: string; message: string } }>('POST', `${path}/test`, {});
    expect(test.body).toMatchObject({ passed: false, outcome: 'failed', error: { code: 'SCHEMA_MISMATCH' } });
    expect(test.body.error.message).toContain('/total is required');
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === test.body.deliveryId)).toBe(false);

    // Forced live (audited), a live event that breaks the contract is dead-lettered, never sent.
    expect((await api('POST', `${path}/activate`, { force: true, reason: 'checking the contract' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const event = sampleEvent('order.canceled', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    const id = deliveryIdFor(event.id, created.body.id);
    await publish(event);
    let failed: { status: string; attemptLog: Array<{ error?: { code: string } }> } | undefined;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && failed?.status !== 'failed'; await new Promise((r) => setTimeout(r, 200))) {
      const d = await api<{ status: string; attemptLog: Array<{ error?: { code: string } }> }>('GET', `/deliveries/${id}`);
      if (d.status === 200) failed = d.body;
    }
    expect(failed?.status).toBe('failed');
    expect(failed?.attemptLog[0]?.error?.code).toBe('SCHEMA_MISMATCH');
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === id)).toBe(false);

    // The fixed template goes live the safe way (test, then activate), and the replay delivers.
    await api('PATCH', `/templates/${template.body.id}`, { body: '{"orderNumber": <%~ json(it.data.reference) %>, "total": 0}' });
    expect((await api<{ passed: boolean }>('POST', `${path}/test`, {})).body.passed).toBe(true);
    expect((await api<{ pendingChanges: boolean }>('POST', `${path}/activate`, {})).body.pendingChanges).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect((await api('POST', `/deliveries/${id}/replay`, {})).status).toBeLessThan(300);
    const got = (await receiver.waitFor((r) => r.some((x) => x.headers['webhook-id'] === id), 30_000, 'the replayed postback')).find(
      (x) => x.headers['webhook-id'] === id,
    );
    expect(JSON.parse(got?.body ?? '{}')).toEqual({ orderNumber: event.data.reference, total: 0 });
    await api('POST', `${path}/pause`);
  });

  it("tests with the template's sample input by default, then runs every fixture, and activation follows them", async () => {
    const template = await api<{ id: string }>('POST', `/customers/${customerId}/templates`, {
      name: 'Fixtures',
      body: '{"order": <%~ json(it.data.id) %>, "ref": "<%= it.data.reference %>"}',
      sampleInput: { data: { id: 'ord_from_sample', reference: 'FROM-SAMPLE' } },
    });
    const created = await api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'Fixture check',
      eventTypes: ['order.shipped'],
      url: `${receiver.url}/fixtures`,
      templateId: template.body.id,
    });
    const path = `/customers/${customerId}/triggers/${created.body.id}`;
    type Result = {
      passed: boolean;
      request?: { body: string };
      fixtures?: Array<{ name: string; passed: boolean; status?: number; checks: Array<{ path: string; passed: boolean; message: string }> }>;
    };

    // No fixtures: the template's sample input is the default one.
    const byDefault = await api<Result>('POST', `${path}/test`, {});
    expect(byDefault.body.passed).toBe(true);
    expect(JSON.parse(byDefault.body.request?.body ?? '{}')).toEqual({ order: 'ord_from_sample', ref: 'FROM-SAMPLE' });

    const bad = await api<Err>('POST', `${path}/fixtures`, { name: 'Broken', eventType: 'order.shipped', expectations: [{ path: '$.order[', equals: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toBe('expectations.0');
    const sample = await api<{ id: string }>('POST', `${path}/fixtures`, {
      name: 'Sample shipped',
      eventType: 'order.shipped',
      expectations: [
        { path: '$.order', matches: '^ord_' },
        { path: '$.ref', type: 'string' },
      ],
      expectStatus: 200,
    });
    expect(sample.status).toBe(201);
    const custom = await api<{ id: string }>('POST', `${path}/fixtures`, {
      name: 'Reference PO-9',
      input: { ...sampleEvent('order.shipped'), data: { ...sampleEvent('order.shipped').data, id: 'ord_fixture', reference: 'PO-9' } },
      expectations: [{ path: '$.ref', equals: 'PO-10' }],
    });
    const [lastLive] = (await api<{ items: Array<{ deliveryId: string }> }>('GET', `/deliveries?customerId=${customerId}&test=false&limit=1`)).body.items;
    const fromLog = await api<{ id: string; source: string }>('POST', `${path}/fixtures`, {
      name: 'From the log',
      deliveryId: lastLive.deliveryId,
      expectations: [{ path: '$.order', exists: true }],
    });
    expect(fromLog.body.source).toBe(`delivery ${lastLive.deliveryId}`);
    expect((await api<unknown[]>('GET', `${path}/fixtures`)).body).toHaveLength(3);

    // The earlier passing test no longer counts: the fixtures changed.
    expect((await api<{ testedCurrentConfig: boolean }>('GET', path)).body.testedCurrentConfig).toBe(false);
    const failing = await api<Result>('POST', `${path}/test`, {});
    expect(failing.body.passed).toBe(false);
    expect(failing.body.fixtures?.map((f) => [f.name, f.passed])).toEqual([
      ['Sample shipped', true],
      ['Reference PO-9', false],
      ['From the log', true],
    ]);
    expect(failing.body.fixtures?.[1].checks).toEqual([
      { path: '$.ref', expectation: 'equals "PO-10"', passed: false, message: 'is "PO-9", expected "PO-10"' },
    ]);
    expect(failing.body.fixtures?.[0].status).toBe(200);
    expect((await api<Err>('POST', `${path}/activate`, {})).status).toBe(409);

    // A one-off test of a sample does not stand in for the fixtures.
    expect((await api<Result>('POST', `${path}/test`, { eventType: 'order.shipped' })).body.passed).toBe(false);
    expect((await api<Err>('POST', `${path}/activate`, {})).status).toBe(409);

    expect((await api('DELETE', `${path}/fixtures/${custom.body.id}`)).status).toBe(204);
    const green = await api<Result>('POST', `${path}/test`, {});
    expect(green.body.passed).toBe(true);
    expect(green.body.fixtures).toHaveLength(2);
    expect((await api<{ status: string }>('POST', `${path}/activate`, {})).body.status).toBe('active');
    await api('POST', `${path}/pause`);
  });

  /** Publishes events until one arrives that `accept` says is the new behaviour (the config topic is asynchronous). */
  const untilDelivered = async (accept: (got: { body: string; path: string }) => boolean, what: string) => {
    for (let i = 0; i < 50; i++) {
      const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
      await publish(event);
      const got = await postbackFor(event);
      if (accept(got)) return;
    }
    throw new Error(`${what} never reached delivery`);
  };
  type TriggerState = { pendingChanges: boolean; testedCurrentConfig: boolean; liveRevision: number | null; draftRevision: number | null };
  const trigger = (path = '') => `/customers/${customerId}/triggers/${state.triggerId}${path}`;

  it('keeps live output unchanged by a template edit until the trigger is tested and activated with the new version', async () => {
    const updated = await api<{ latestVersion: number }>('PATCH', `/templates/${state.mappedTemplateId}`, {
      mapping: [
        { target: 'orderNumber', source: 'data.reference' },
        { target: 'version', transform: 'constant', value: 2 },
      ],
    });
    expect(updated.body.latestVersion).toBe(2);
    const waiting = await api<TriggerState & { liveTemplateVersion: number; latestTemplateVersion: number }>('GET', trigger());
    expect(waiting.body).toMatchObject({ pendingChanges: true, testedCurrentConfig: false, liveTemplateVersion: 1, latestTemplateVersion: 2 });

    // Live events go on with version 1, the one the trigger was tested and activated with.
    await new Promise((r) => setTimeout(r, 1000));
    const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
    await publish(event);
    expect(JSON.parse((await postbackFor(event)).body)).not.toHaveProperty('version');

    expect((await api<Err>('POST', trigger('/activate'), {})).status).toBe(409);
    const test = await api<{ passed: boolean; request: { body: string } }>('POST', trigger('/test'), { eventType: 'order.shipped' });
    expect(test.body.passed).toBe(true);
    expect(JSON.parse(test.body.request.body)).toMatchObject({ version: 2 });
    const activated = await api<TriggerState & { liveTemplateVersion: number }>('POST', trigger('/activate'), {});
    expect(activated.body).toMatchObject({ pendingChanges: false, liveTemplateVersion: 2, liveRevision: 2, draftRevision: null });
    await untilDelivered((got) => (JSON.parse(got.body) as { version?: number }).version === 2, 'the new template version');
  });

  it("keeps sending to an active trigger's old URL until its edit is tested and activated", async () => {
    const other = await new HttpReceiver().start();
    try {
      const edited = await api<TriggerState & { url: string }>('PATCH', trigger(), { url: `${other.url}/hooks/v2` });
      expect(edited.body).toMatchObject({ url: `${other.url}/hooks/v2`, pendingChanges: true, testedCurrentConfig: false, liveRevision: 2, draftRevision: 3 });
      await new Promise((r) => setTimeout(r, 1000));
      const event = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
      await publish(event);
      expect((await postbackFor(event)).path).toBe('/hooks/orders');

      // The test-fire tests the draft: it goes to the new URL.
      const test = await api<{ passed: boolean; deliveryId: string }>('POST', trigger('/test'), { eventType: 'order.shipped' });
      expect(test.body.passed).toBe(true);
      expect(other.requests.some((r) => r.headers['webhook-id'] === test.body.deliveryId)).toBe(true);
      expect(receiver.requests.some((r) => r.headers['webhook-id'] === test.body.deliveryId)).toBe(false);
      const live = receiver.requests.length;

      expect((await api<TriggerState>('POST', trigger('/activate'), {})).body).toMatchObject({ liveRevision: 3, draftRevision: null, pendingChanges: false });
      const arrivedAt = async (id: string) => {
        for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
          if (other.requests.some((x) => x.headers['webhook-id'] === id)) return 'new';
          if (receiver.requests.some((x) => x.headers['webhook-id'] === id)) return 'old';
        }
        throw new Error(`no postback for ${id}`);
      };
      for (let i = 0; ; i++) {
        const e = sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId, occurredAt: new Date().toISOString() });
        await publish(e);
        if ((await arrivedAt(deliveryIdFor(e.id, state.triggerId as string))) === 'new') break;
        if (i > 50) throw new Error('the activated URL never reached delivery');
      }
      expect(receiver.requests.length).toBeGreaterThanOrEqual(live);
    } finally {
      await other.stop();
    }
  });

  it('lists revisions with who changed what, and rolls back to an earlier one in one call', async () => {
    const revisions = await api<{
      items: Array<{
        number: number;
        live: boolean;
        draft: boolean;
        source: string;
        createdBy: string;
        changes: Array<{ field: string; from: unknown; to: unknown }>;
      }>;
    }>('GET', trigger('/revisions'));
    expect(revisions.status).toBe(200);
    const [third, second, first] = revisions.body.items;
    expect(third).toMatchObject({ number: 3, live: true, draft: false, source: 'updated', createdBy: 'bootstrap admin key' });
    expect(third.changes).toEqual([{ field: 'url', from: `${receiver.url}/hooks/orders`, to: expect.stringMatching(/\/hooks\/v2$/) as string }]);
    expect(second).toMatchObject({ number: 2, source: 'template version 2', changes: [] });
    expect(first).toMatchObject({ number: 1, source: 'created' });

    // Revision 2 was tested and went live: restoring it with activate is a rollback, at once.
    const rolledBack = await api<TriggerState & { url: string; templateVersion: number | null }>('POST', trigger('/revisions/2/restore'), { activate: true });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({
      url: `${receiver.url}/hooks/orders`,
      templateVersion: 2,
      liveRevision: 4,
      draftRevision: null,
      pendingChanges: false,
    });
    await untilDelivered((got) => got.path === '/hooks/orders', 'the rolled-back URL');

    // A revision never tested cannot go live in one call.
    expect((await api<Err>('POST', trigger('/revisions/99/restore'), {})).status).toBe(404);
    await api('PATCH', trigger(), { headers: { 'X-Shop-Token': 'new' } });
    expect((await api<Err>('POST', trigger('/revisions/5/restore'), { activate: true })).status).toBe(409);
  });

  it('a paused trigger delivers nothing', async () => {
    expect((await api('POST', `/customers/${customerId}/triggers/${state.triggerId}/pause`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    const before = receiver.requests.length;
    await publish(sampleEvent('order.shipped', { id: `evt_${randomUUID()}`, customerId }));
    await platform.routerCaughtUp();
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.requests.length).toBe(before);
  });

  it('records who changed what', async () => {
    const log = await api<{ items: Array<{ action: string; actorName: string; entityId: string }> }>(
      'GET',
      `/audit-log?entityType=trigger&entityId=${state.triggerId}&limit=50`,
    );
    expect(log.body.items.map((e) => e.action).reverse()).toEqual([
      'trigger.create',
      'trigger.test',
      'trigger.activate',
      'trigger.test',
      'trigger.activate',
      'trigger.update',
      'trigger.test',
      'trigger.activate',
      'trigger.restore',
      'trigger.activate',
      'trigger.update',
      'trigger.pause',
    ]);
    expect(new Set(log.body.items.map((e) => e.actorName))).toEqual(new Set(['bootstrap admin key']));
  });

  it('answers each invalid field of a trigger with a 400 naming it', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ eventTypes: [] }, 'eventTypes'],
      [{ eventTypes: ['order.exploded'] }, 'eventTypes'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'http://10.0.0.1/hook' }, 'url'],
      [{ method: 'DELETE' }, 'method'],
      [{ format: 'xml' }, 'format'],
      [{ headers: { 'Content-Type': 'text/plain' } }, 'headers'],
      [{ maxAttempts: 0 }, 'maxAttempts'],
      [{ timeoutMs: 10 }, 'timeoutMs'],
      [{ retryOnFailure: 'yes' }, 'retryOnFailure'],
      [{ name: '' }, 'name'],
      [{ templateId: undefined }, 'templateId'],
      [{ channel: 'email', url: undefined, email: { to: ['not-an-email'], subject: 'x' } }, 'email.to'],
      [{ channel: 'email', url: undefined, email: { to: ['ops@example.com'], subject: '<% if ( %>' } }, 'email.subject'],
    ];
    const valid = { name: 'x', eventTypes: ['order.shipped'], url: 'https://hooks.example.com/x', templateId: state.mappedTemplateId };
    for (const [change, field] of cases) {
      const res = await api<Err>('POST', `/customers/${customerId}/triggers`, { ...valid, ...change });
      expect([
        res.status,
        res.body.errors?.map((e) =>
          e.field
            .split('.')
            .slice(0, 2)
            .join('.')
            .replace(/\.\d+$/, ''),
        ),
      ]).toEqual([400, [field]]);
    }
    expect((await api<Err>('POST', '/customers/cus_nobody/triggers', valid)).status).toBe(404);
  });

  it('requires a key, refuses writes with a read-only key, and refuses a revoked key', async () => {
    expect((await api<Err>('GET', '/customers', undefined, '')).status).toBe(401);
    const created = await api<{ id: string; key: string; scopes: string[] }>('POST', '/api-keys', { name: 'dashboard', scopes: ['read'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pb_/);
    const listed = await api<Array<{ id: string; key?: string }>>('GET', '/api-keys');
    expect(listed.body.find((k) => k.id === created.body.id)?.key).toBeUndefined();

    const readKey = created.body.key;
    expect((await api('GET', `/customers/${customerId}`, undefined, readKey)).status).toBe(200);
    expect((await api('POST', `/templates/${state.mappedTemplateId}/preview`, {}, readKey)).status).toBe(200);
    const write = await api<Err>('POST', '/customers', { name: 'nope' }, readKey);
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('FORBIDDEN');
    expect((await api('GET', `/customers/${customerId}/triggers/${state.triggerId}/secret`, undefined, readKey)).status).toBe(403);
    expect((await api('GET', '/api-keys', undefined, readKey)).status).toBe(403);

    expect((await api('DELETE', `/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await api<Err>('GET', '/customers', undefined, readKey)).status).toBe(401);
  });

  it('documents every endpoint in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${platform.apiUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/customers',
      '/customers/{customerId}',
      '/customers/{customerId}/templates',
      '/templates',
      '/templates/{templateId}/versions/{version}/restore',
      '/templates/preview',
      '/templates/{templateId}/preview',
      '/mapper/compile',
      '/mapper/fields',
      '/customers/{customerId}/triggers',
      '/customers/{customerId}/triggers/{triggerId}/test',
      '/customers/{customerId}/triggers/{triggerId}/activate',
      '/customers/{customerId}/triggers/{triggerId}/rotate-secret',
      '/event-types',
      '/event-types/{type}/sample',
      '/deliveries',
      '/deliveries/{deliveryId}',
      '/api-keys',
      '/audit-log',
    ]) {
      expect(paths).toContain(p);
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path.startsWith('/health') || path === '/metrics') continue; // open by design
      for (const [method, op] of Object.entries(methods))
        expect([path, method, Object.keys(op.responses)]).toEqual([path, method, expect.arrayContaining(['401'])]);
    }
  });
});
