import { randomUUID } from 'node:crypto';
import { TriggerSnapshot } from '@postback/contracts';
import { TopicCollector } from '@postback/kafka';
import { DataSource } from 'typeorm';
import { ConfigReconciler } from '../../apps/config-service/src/config-topic/config-reconciler';
import { startPlatform, TestPlatform } from '../support/platform';

jest.setTimeout(60_000);

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: Array<{ field: string; message: string; line?: number; column?: number }>;
  requestId: string;
}

describe('config API on MySQL/MariaDB, publishing through the outbox', () => {
  let platform: TestPlatform;
  let config: TopicCollector;
  let templateId: string;
  const customerId = `cus_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    platform = await startPlatform({ without: ['router', 'delivery'] });
    config = await new TopicCollector(platform.kafka, [`${platform.prefix}postback.config`]).start();
    expect((await platform.api('POST', '/customers', { id: customerId, name: 'Åsa Design AB', externalRef: `ERP-${customerId}` })).status).toBe(201);
    const t = await platform.api<{ id: string }>('POST', '/templates', { name: 'Base', body: '{"order": <%~ json(it.data.id) %>}' });
    templateId = t.body.id;
  });

  afterAll(async () => {
    await config?.stop();
    await platform?.stop();
  });

  const snapshotsOf = (triggerId: string) =>
    config.messages.filter((m) => m.key === `trigger:${triggerId}`).map((m) => (m.value ? (JSON.parse(m.value.toString()) as TriggerSnapshot) : null));

  it('requires an API key everywhere but health and metrics', async () => {
    const none = await platform.api<ErrorBody>('GET', '/customers', undefined, '');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect((await platform.api('GET', '/customers', undefined, 'wrong-key-0123456789abcdef')).status).toBe(401);
    expect((await fetch(`${platform.apiUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${platform.apiUrl}/metrics`)).status).toBe(200);
    const bearer = await fetch(`${platform.apiUrl}/customers/${customerId}`, { headers: { authorization: `Bearer ${platform.env.ADMIN_API_KEY}` } });
    expect(bearer.status).toBe(200);
  });

  it('answers invalid input with 400 and an error per field', async () => {
    const res = await platform.api<ErrorBody>('POST', '/customers', { id: 'has spaces', name: '', contactEmail: 'nope', extra: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.requestId).toBeTruthy();
    expect(res.body.errors?.map((e) => e.field).sort()).toEqual(['contactEmail', 'extra', 'id', 'name']);
  });

  it('answers unknown ids with 404', async () => {
    expect((await platform.api<ErrorBody>('GET', '/customers/cus_nobody')).body).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'customer "cus_nobody" was not found',
    });
    const trig = await platform.api<ErrorBody>('POST', '/customers/cus_nobody/triggers', {
      name: 'x',
      eventTypes: ['order.shipped'],
      url: 'https://example.com/h',
      templateId,
    });
    expect(trig.status).toBe(404);
    expect((await platform.api('GET', `/customers/${customerId}/triggers/trg_nothing`)).status).toBe(404);
    expect((await platform.api('GET', '/templates/tpl_nothing')).status).toBe(404);
    expect((await platform.api('GET', '/event-types/order.teleported/sample')).status).toBe(404);
  });

  it('refuses a template that does not compile, naming the line', async () => {
    const res = await platform.api<ErrorBody>('POST', '/templates', { name: 'Broken', body: '{\n  "a": 1,\n  <% if (it.x { %>\n  "b": 2\n  <% } %>\n}' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INVALID_TEMPLATE');
    expect(res.body.errors).toEqual([{ field: 'body', message: expect.any(String) as string, line: 3 }]);
    expect(res.body.message).toContain('line 3');
  });

  it('refuses destinations on private addresses, bad URLs and reserved headers', async () => {
    const base = { name: 'x', eventTypes: ['order.shipped'], templateId };
    const metadata = await platform.api<ErrorBody>('POST', `/customers/${customerId}/triggers`, { ...base, url: 'http://169.254.169.254/latest/meta-data' });
    expect(metadata.status).toBe(400);
    expect(metadata.body.errors).toEqual([{ field: 'url', message: expect.stringContaining('private or special-use') as string }]);
    const ftp = await platform.api<ErrorBody>('POST', `/customers/${customerId}/triggers`, { ...base, url: 'ftp://example.com/x' });
    expect(ftp.body.errors?.[0]?.field).toBe('url');
    const header = await platform.api<ErrorBody>('POST', `/customers/${customerId}/triggers`, {
      ...base,
      url: 'https://example.com/h',
      headers: { 'webhook-signature': 'forged' },
    });
    expect(header.body.errors?.[0]?.field).toBe('headers');
    const injection = await platform.api<ErrorBody>('POST', `/customers/${customerId}/triggers`, {
      ...base,
      url: 'https://example.com/h',
      headers: { 'X-Token': 'a\r\nX-Evil: 1' },
    });
    expect(injection.status).toBe(400);
  });

  it('publishes every trigger change to the config topic, secrets sealed, revisions increasing, deletes as tombstones', async () => {
    const created = await platform.api<{ id: string; signingSecret: string; headers: Record<string, string>; eventTypes: string[] }>(
      'POST',
      `/customers/${customerId}/triggers`,
      {
        name: 'Shop — Zoë "quoted" 😀',
        eventTypes: ['order.shipped', 'order.delivered', 'order.shipped'],
        url: 'https://hooks.example.com/orders',
        headers: { 'X-Shop': 'Åsa ✓' },
        templateId,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.signingSecret).toMatch(/^whsec_/);
    expect(created.body.eventTypes).toEqual(['order.shipped', 'order.delivered']);
    const id = created.body.id;

    const read = await platform.api<{ name: string; headers: Record<string, string>; signingSecret?: string }>(
      'GET',
      `/customers/${customerId}/triggers/${id}`,
    );
    expect(read.body.name).toBe('Shop — Zoë "quoted" 😀');
    expect(read.body.headers).toEqual({ 'X-Shop': 'Åsa ✓' });
    expect(read.body.signingSecret).toBeUndefined();

    await config.waitFor(() => snapshotsOf(id).length >= 1, 15_000, 'the first snapshot');
    const first = snapshotsOf(id)[0] as TriggerSnapshot;
    expect(first).toMatchObject({ kind: 'trigger', id, customerId, status: 'draft', revision: 1, template: { id: templateId, version: 1, format: 'json' } });
    expect(JSON.stringify(first)).not.toContain(created.body.signingSecret.slice(6));

    expect((await platform.api('PATCH', `/customers/${customerId}/triggers/${id}`, { name: 'Renamed' })).status).toBe(200);
    const newBody = '{"order": <%~ json(it.data.id) %>, "v": 2}';
    expect((await platform.api('PATCH', `/templates/${templateId}`, { body: newBody })).status).toBe(200);
    expect((await platform.api('DELETE', `/customers/${customerId}/triggers/${id}`)).status).toBe(204);

    await config.waitFor(() => snapshotsOf(id).length >= 4, 15_000, 'four config records');
    const [, second, third, tombstone] = snapshotsOf(id);
    expect(second).toMatchObject({ revision: 2, name: 'Renamed' });
    expect(third).toMatchObject({ revision: 3, template: { version: 2, body: newBody } });
    expect(tombstone).toBeNull();
    expect((await platform.api('GET', `/customers/${customerId}/triggers/${id}`)).status).toBe(404);
  });

  it('reconciles the config topic with the database at start (tombstones for triggers the database lost)', async () => {
    const created = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
      name: 'lost',
      eventTypes: ['order.shipped'],
      url: 'https://hooks.example.com/lost',
      templateId,
    });
    const id = created.body.id;
    await config.waitFor(() => snapshotsOf(id).length >= 1, 15_000, 'the snapshot');
    // A database restored from an older backup: the trigger is gone, the topic still has it.
    await platform.configService.get(DataSource).query('DELETE FROM triggers WHERE id = ?', [id]);
    const summary = await platform.configService.get(ConfigReconciler).reconcile(0);
    expect(summary.tombstoned).toEqual([`trigger:${id}`]);
    await config.waitFor(() => snapshotsOf(id).includes(null), 15_000, 'the tombstone');
    expect((await platform.configService.get(ConfigReconciler).reconcile(0)).tombstoned).toEqual([]);
  });

  it('keeps template versions immutable and readable', async () => {
    const versions = await platform.api<Array<{ version: number; body: string }>>('GET', `/templates/${templateId}/versions`);
    expect(versions.body.map((v) => v.version)).toEqual([2, 1]);
    expect((await platform.api<{ body: string }>('GET', `/templates/${templateId}/versions/1`)).body.body).toBe('{"order": <%~ json(it.data.id) %>}');
  });

  it('detaches a hand-edited body from its mapping rules (mapping: null), and keeps the rules otherwise', async () => {
    const created = await platform.api<{ id: string; mapping?: unknown[]; body: string }>('POST', '/templates', {
      name: 'mapped',
      mapping: [{ target: 'order', source: 'data.id' }],
    });
    expect(created.body.mapping).toHaveLength(1);
    const renamed = await platform.api<{ mapping?: unknown[]; latestVersion: number }>('PATCH', `/templates/${created.body.id}`, { name: 'mapped, renamed' });
    expect(renamed.body.mapping).toHaveLength(1);
    expect(renamed.body.latestVersion).toBe(1);
    const byHand = await platform.api<{ mapping?: unknown[]; body: string; latestVersion: number }>('PATCH', `/templates/${created.body.id}`, {
      body: '{"order": <%~ json(it.data.id) %>, "by": "hand"}',
      mapping: null,
    });
    expect(byHand.status).toBe(200);
    expect(byHand.body.mapping).toBeUndefined();
    expect(byHand.body.body).toContain('"by": "hand"');
    expect(byHand.body.latestVersion).toBe(2);
    const v1 = await platform.api<{ mapping?: unknown[] }>('GET', `/templates/${created.body.id}/versions/1`);
    expect(v1.body.mapping).toHaveLength(1);
  });

  it('refuses to delete a customer that still has triggers or templates', async () => {
    const t = await platform.api<{ id: string }>('POST', '/templates', { customerId, name: 'Own', body: '{}' });
    const res = await platform.api<ErrorBody>('DELETE', `/customers/${customerId}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('1 template(s)');
    expect((await platform.api('DELETE', `/templates/${t.body.id}`)).status).toBe(204);
  });

  it('lists and searches customers with pagination', async () => {
    const res = await platform.api<{ items: Array<{ id: string }>; total: number; limit: number }>('GET', `/customers?q=${encodeURIComponent('Åsa')}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, limit: 1, items: [{ id: customerId }] });
    expect((await platform.api<ErrorBody>('GET', '/customers?limit=1000')).status).toBe(400);
  });

  it('serves the sample payloads and the OpenAPI document', async () => {
    const types = await platform.api<Array<{ type: string }>>('GET', '/event-types');
    expect(types.body).toHaveLength(8);
    const sample = await platform.api<{ type: string; data: { shipment: { carrier: string } } }>('GET', '/event-types/order.shipped/sample');
    expect(sample.body.data.shipment.carrier).toBe('DHL Express');
    const doc = (await (await fetch(`${platform.apiUrl}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/customers', '/templates', '/customers/{customerId}/triggers', '/event-types/{type}/sample']),
    );
  });
});
