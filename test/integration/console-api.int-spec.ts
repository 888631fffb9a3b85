import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import { deliveryIdFor, OrderEvent, OrderEventType, sampleEvent } from '@postback/contracts';
import { TriggerIndex } from '@postback/config-view';
import { KafkaTransport } from '@postback/kafka';
import { createLogger } from '@postback/observability';
import { startService } from '@postback/runtime';
import { HttpReceiver, testLogger } from '@postback/test-support';
import { DataSource } from 'typeorm';
import { AppModule as ConfigAppModule } from '../../apps/config-service/src/app.module';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';
import { setupHttp } from '../../apps/config-service/src/http-setup';
import { freePort, startPlatform, TestPlatform, waitReady } from '../support/platform';

jest.setTimeout(120_000);

/** What the console needs beyond the setup guide's API: who am I, overview figures, platform health, replay by filter. */
describe('console support API', () => {
  let platform: TestPlatform;
  const receivers: HttpReceiver[] = [];

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await platform?.stop();
  });

  async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  describe('GET /me', () => {
    it('names the key and says whether it may write', async () => {
      const admin = await platform.api<{ keyId: string; scopes: string[]; canWrite: boolean }>('GET', '/me');
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual({ keyId: 'bootstrap', name: 'bootstrap admin key', scopes: ['admin'], canWrite: true });

      const created = await platform.api<{ id: string; key: string }>('POST', '/api-keys', { name: 'Support desk', scopes: ['read'] });
      const reader = await platform.api('GET', '/me', undefined, created.body.key);
      expect(reader.body).toEqual({ keyId: created.body.id, name: 'Support desk', scopes: ['read'], canWrite: false });
    });

    it('refuses a missing or revoked key', async () => {
      expect((await platform.api('GET', '/me', undefined, '')).status).toBe(401);
      const created = await platform.api<{ id: string; key: string }>('POST', '/api-keys', { name: 'short-lived', scopes: ['admin'] });
      await platform.api('DELETE', `/api-keys/${created.body.id}`);
      expect((await platform.api('GET', '/me', undefined, created.body.key)).status).toBe(401);
    });
  });

  describe('GET /stats', () => {
    const customer = `cus_stats_${randomUUID().slice(0, 8)}`;
    const other = `cus_other_${randomUUID().slice(0, 8)}`;
    let db: DataSource;
    let seq = 0;

    /** Delivery-log rows as the results consumer writes them, at chosen times. */
    async function logRow(row: { customerId: string; triggerId: string; status: string; minutesAgo: number; test?: boolean; errorCode?: string }) {
      const at = new Date(Date.now() - row.minutesAgo * 60_000);
      seq++;
      await db.query(
        `INSERT INTO deliveries (delivery_id, trigger_id, customer_id, event_id, event_type, order_id, channel, status, attempts, test,
                                 first_attempt_at, last_attempt_at, last_error_code)
         VALUES (?, ?, ?, ?, 'order.shipped', ?, 'http', ?, 1, ?, ?, ?, ?)`,
        [
          `msg_stats_${seq}_${randomUUID().slice(0, 6)}`,
          row.triggerId,
          row.customerId,
          `evt_${seq}`,
          `ord_${seq}`,
          row.status,
          row.test ? 1 : 0,
          at,
          at,
          row.errorCode ?? null,
        ],
      );
    }

    beforeAll(async () => {
      db = platform.configService.get(DataSource);
      await platform.api('POST', '/customers', { id: customer, name: 'Stats Ltd' });
      await platform.api('POST', '/customers', { id: other, name: 'Other Ltd' });
      for (let i = 0; i < 5; i++) await logRow({ customerId: customer, triggerId: 'trg_good', status: 'delivered', minutesAgo: 2 });
      await logRow({ customerId: customer, triggerId: 'trg_bad', status: 'failed', minutesAgo: 2, errorCode: 'HTTP_500' });
      await logRow({ customerId: customer, triggerId: 'trg_bad', status: 'failed', minutesAgo: 1, errorCode: 'HTTP_503' });
      await logRow({ customerId: customer, triggerId: 'trg_bad', status: 'retrying', minutesAgo: 30 });
      await logRow({ customerId: customer, triggerId: 'trg_meh', status: 'failed', minutesAgo: 40, errorCode: 'TIMEOUT' });
      await logRow({ customerId: customer, triggerId: 'trg_old', status: 'failed', minutesAgo: 300, errorCode: 'HTTP_410' });
      await logRow({ customerId: customer, triggerId: 'trg_good', status: 'failed', minutesAgo: 3, test: true });
      await logRow({ customerId: other, triggerId: 'trg_other', status: 'delivered', minutesAgo: 10 });
    });

    it('counts live deliveries by outcome in 5-minute buckets over the last hour', async () => {
      const res = await platform.api<{
        bucketSeconds: number;
        buckets: Array<{ start: string; delivered: number; failed: number; retrying: number; skipped: number }>;
        totals: Record<string, number>;
        deadLetters: number;
      }>('GET', `/stats/deliveries?window=1h&customerId=${customer}`);
      expect(res.status).toBe(200);
      expect(res.body.bucketSeconds).toBe(300);
      expect(res.body.buckets).toHaveLength(12);
      // The test delivery and the one five hours ago are not counted; the dead letters count any time.
      expect(res.body.totals).toEqual({ delivered: 5, failed: 3, retrying: 1, skipped: 0 });
      expect(res.body.deadLetters).toBe(4);
      const last = res.body.buckets[res.body.buckets.length - 1];
      const recent = res.body.buckets.slice(-2).reduce((sum, b) => sum + b.delivered, 0);
      expect(recent).toBe(5);
      expect(new Date(last.start).getTime()).toBeLessThanOrEqual(Date.now());
      const sum = res.body.buckets.reduce((s, b) => s + b.delivered + b.failed + b.retrying + b.skipped, 0);
      expect(sum).toBe(9);
    });

    it('covers a day in hourly buckets, and every customer without a filter', async () => {
      const day = await platform.api<{ bucketSeconds: number; buckets: unknown[]; totals: Record<string, number> }>(
        'GET',
        `/stats/deliveries?window=24h&customerId=${customer}`,
      );
      expect(day.body.bucketSeconds).toBe(3600);
      expect(day.body.buckets).toHaveLength(24);
      expect(day.body.totals.failed).toBe(4);
      const all = await platform.api<{ totals: Record<string, number> }>('GET', '/stats/deliveries?window=1h');
      expect(all.body.totals.delivered).toBeGreaterThanOrEqual(6);
    });

    it('lists the triggers failing most, worst first, with the latest error', async () => {
      const res = await platform.api<
        Array<{ triggerId: string; failed: number; retrying: number; total: number; lastErrorCode: string | null; triggerName: string | null }>
      >('GET', `/stats/failing-triggers?window=1h&customerId=${customer}`);
      expect(res.status).toBe(200);
      expect(res.body.map((t) => t.triggerId)).toEqual(['trg_bad', 'trg_meh']);
      expect(res.body[0]).toMatchObject({ failed: 2, retrying: 1, total: 3, lastErrorCode: 'HTTP_503', triggerName: null });
    });

    it('refuses an unknown window with a field error', async () => {
      const res = await platform.api<{ errors: Array<{ field: string }> }>('GET', '/stats/deliveries?window=7y');
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain('window');
    });
  });

  describe('the console at /console', () => {
    let app: INestApplication;
    let base: string;
    const lines: string[] = [];

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'console-'));
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/app-1.js"></script>');
      writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
      const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
      const logger = createLogger({ service: 'config-service', level: 'debug' }, sink);
      app = await waitReady(
        await startService({
          module: ConfigAppModule.forRoot(loadServiceConfig({ ...platform.env, CONSOLE_DIR: dir, LOG_LEVEL: 'debug' }), logger),
          logger,
          port: 0,
          host: '127.0.0.1',
          setup: setupHttp,
          transport: KafkaTransport,
        }),
      );
      base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
    });

    it('serves the single-page app at every path under /console, with a strict content security policy', async () => {
      const root = await fetch(`${base}/console`, { redirect: 'manual' });
      expect(root.status).toBe(301);
      expect(root.headers.get('location')).toBe('/console/');
      for (const path of ['/console/', '/console/customers/cus_x/triggers/trg_y', '/console/deliveries/msg_1']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('<title>console</title>');
        expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('cache-control')).toBe('no-cache');
      }
      const asset = await fetch(`${base}/console/assets/app-1.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const missing = await fetch(`${base}/console/assets/app-0.js`);
      expect(missing.status).toBe(404);
    });

    it('never writes an API key into its logs, whether the key is good, bad or revoked', async () => {
      const created = await platform.api<{ id: string; key: string }>('POST', '/api-keys', { name: 'logged?', scopes: ['read'] });
      const keys = [platform.env.ADMIN_API_KEY, created.body.key, 'pb_wrong_key_that_must_not_be_logged'];
      for (const key of keys) {
        await fetch(`${base}/me`, { headers: { 'x-api-key': key } });
        await fetch(`${base}/customers?q=x`, { headers: { authorization: `Bearer ${key}` } });
        await fetch(`${base}/customers`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: '{"name":' });
      }
      const text = lines.join('');
      expect(text).toContain('http request');
      for (const key of keys) expect(text).not.toContain(key);
    });
  });

  describe('GET /platform/status', () => {
    let observer: INestApplication;

    afterAll(async () => {
      await observer?.close();
    });

    it('shows each service ready or unreachable, and the consumer groups with their members and lag', async () => {
      const url = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const env: Record<string, string> = {
        ...platform.env,
        PLATFORM_SERVICE_URLS: `router-service=${await url(platform.router)},delivery-service=${await url(platform.delivery)},ghost-service=http://127.0.0.1:${await freePort()}`,
      };
      const logger = testLogger('config-service-2');
      observer = await waitReady(
        await startService({ module: ConfigAppModule.forRoot(loadServiceConfig(env), logger), logger, port: 0, host: '127.0.0.1', transport: KafkaTransport }),
      );
      const res = await fetch(`${await url(observer)}/platform/status`, { headers: { 'x-api-key': env.ADMIN_API_KEY } });
      expect(res.status).toBe(200);
      const status = (await res.json()) as {
        services: Array<{ name: string; status: string; checks: Record<string, { status: string }>; error?: string }>;
        consumers: Array<{ role: string; groupId: string; state: string; members: number; lag: number; topics: Array<{ topic: string }> }>;
      };
      const byName = Object.fromEntries(status.services.map((s) => [s.name, s]));
      expect(byName['config-service'].status).toBe('ready');
      expect(byName['config-service'].checks.mysql.status).toBe('ok');
      expect(byName['router-service'].status).toBe('ready');
      expect(byName['delivery-service'].status).toBe('ready');
      expect(byName['ghost-service']).toMatchObject({ status: 'unreachable' });
      expect(byName['ghost-service'].error).toMatch(/ECONNREFUSED|refused/);
      const groups = Object.fromEntries(status.consumers.map((c) => [c.role, c]));
      expect(groups.router).toMatchObject({ groupId: platform.env.ROUTER_GROUP_ID, state: 'Stable' });
      expect(groups.router.members).toBeGreaterThanOrEqual(1);
      expect(groups.delivery).toMatchObject({ groupId: platform.env.DELIVERY_GROUP_ID, state: 'Stable' });
      expect(groups['delivery-log'].state).toBe('Stable');
    });
  });

  describe('POST /replays (bulk replay by filter)', () => {
    const customerId = `cus_replay_${randomUUID().slice(0, 8)}`;

    it('replays only the failed deliveries that match the filter, with the same webhook-id', async () => {
      const r = await new HttpReceiver().start();
      receivers.push(r);
      let fixed = false;
      r.responder = () => (fixed ? { status: 200 } : { status: 400, body: '{"error":"unknown order"}' });
      await platform.api('POST', '/customers', { id: customerId, name: 'Replay Ltd' });
      const template = await platform.api<{ id: string }>('POST', `/customers/${customerId}/templates`, { name: 'r', body: '{"event": <%~ json(it.id) %>}' });
      const trigger = await platform.api<{ id: string }>('POST', `/customers/${customerId}/triggers`, {
        name: 'replays',
        eventTypes: ['order.shipped', 'order.delivered'],
        url: `${r.url}/hook`,
        templateId: template.body.id,
      });
      const activated = await platform.api<{ revision: number }>('POST', `/customers/${customerId}/triggers/${trigger.body.id}/activate`, { force: true });
      await platform.router.get(TriggerIndex).waitFor(trigger.body.id, activated.body.revision, 15_000);
      await platform.delivery.get(TriggerIndex).waitFor(trigger.body.id, activated.body.revision, 15_000);

      const from = new Date(Date.now() - 1000).toISOString();
      const event = (type: OrderEventType): OrderEvent =>
        sampleEvent(type, { id: `evt_${randomUUID()}`, customerId, data: { ...sampleEvent(type).data, id: `ord_${randomUUID().slice(0, 8)}` } });
      const events = [event('order.shipped'), event('order.shipped'), event('order.delivered')];
      await platform.kafka.producer().send(
        platform.orderTopic,
        events.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })),
      );
      const ids = events.map((e) => deliveryIdFor(e.id, trigger.body.id));
      for (const id of ids) {
        await eventually(
          async () => ((await platform.api<{ status: string }>('GET', `/deliveries/${id}`)).body?.status === 'failed' ? true : undefined),
          `${id} failed`,
        );
      }
      fixed = true;

      const job = await platform.api<{ id: string; total: number; customerId: string; eventType: string; triggerId: string | null }>('POST', '/replays', {
        customerId,
        eventType: 'order.shipped',
        from,
        to: new Date(Date.now() + 1000).toISOString(),
      });
      expect(job.status).toBe(202);
      expect(job.body).toMatchObject({ total: 2, customerId, eventType: 'order.shipped', triggerId: null });
      const done = await eventually(async () => {
        const j = (await platform.api<{ status: string; replayed: number }>('GET', `/replays/${job.body.id}`)).body;
        return j.status === 'done' ? j : undefined;
      }, 'the replay job');
      expect(done.replayed).toBe(2);
      for (const id of ids.slice(0, 2)) {
        await eventually(
          async () => ((await platform.api<{ status: string }>('GET', `/deliveries/${id}`)).body.status === 'delivered' ? true : undefined),
          `${id} delivered`,
        );
      }
      expect((await platform.api<{ status: string }>('GET', `/deliveries/${ids[2]}`)).body.status).toBe('failed');
      const replayedIds = r.requests.filter((x) => x.headers['x-postback-attempt'] === '2').map((x) => x.headers['webhook-id']);
      expect(replayedIds.sort()).toEqual(ids.slice(0, 2).sort());

      const listed = await platform.api<Array<{ id: string }>>('GET', `/replays?customerId=${customerId}`);
      expect(listed.body.map((j) => j.id)).toEqual([job.body.id]);
      const audit = await platform.api<{ items: Array<{ action: string; entityId: string }> }>('GET', `/audit-log?entityId=${job.body.id}`);
      expect(audit.body.items[0]?.action).toBe('deliveries.replay');
    });

    it('refuses an empty range, an unknown customer and an unknown trigger', async () => {
      const now = new Date().toISOString();
      const empty = await platform.api<{ errors: Array<{ field: string }> }>('POST', '/replays', { from: now, to: now });
      expect(empty.status).toBe(400);
      expect(empty.body.errors[0].field).toBe('to');
      const range = { from: new Date(Date.now() - 60_000).toISOString(), to: now };
      expect((await platform.api('POST', '/replays', { ...range, customerId: 'cus_nobody' })).status).toBe(404);
      expect((await platform.api('POST', '/replays', { ...range, triggerId: 'trg_nothing' })).status).toBe(404);
      expect((await platform.api('POST', '/replays', { ...range, eventType: 'order.teleported' })).status).toBe(400);
    });
  });
});
