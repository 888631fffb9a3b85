import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../apps/config-service/src/database/data-source-options';
import { MIGRATIONS } from '../../apps/config-service/src/database/migrations';
import { triggerConfigHash } from '../../apps/config-service/src/triggers/trigger-config-hash';
import type { TriggerEntity } from '../../apps/config-service/src/triggers/trigger.entity';
import { TEST_DATABASE_SERVER, uniqueSuffix } from '../support/environment';

jest.setTimeout(60_000);

/**
 * The migration to trigger revisions on a database from before it (MariaDB here, MySQL 8 in
 * compose): every trigger gets revision 1 from its settings, live with its template version
 * pinned when it was active or paused, a draft otherwise, tested when its test was of them.
 */
describe('migration to trigger revisions', () => {
  const name = `pb_test_${uniqueSuffix()}`;
  const server = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/` });
  let db: DataSource;

  beforeAll(async () => {
    await server.initialize();
    await server.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const before = MIGRATIONS.findIndex((m) => m.name === 'TriggerRevisions1796200000000');
    expect(before).toBeGreaterThan(0);
    db = new DataSource({ ...dataSourceOptions(`${TEST_DATABASE_SERVER}/${name}`), migrations: MIGRATIONS.slice(0, before) });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await db?.destroy();
    await server.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await server.destroy();
  });

  it('gives live triggers a live revision with the template version pinned, and drafts a draft one', async () => {
    await db.query(`INSERT INTO customers (id, name) VALUES ('cus_m', 'M')`);
    await db.query(`INSERT INTO templates (id, name, format, event_types, latest_version) VALUES ('tpl_m', 'T', 'json', '[]', 3)`);
    for (const v of [1, 2, 3]) await db.query(`INSERT INTO template_versions (template_id, version, body) VALUES ('tpl_m', ?, '{}')`, [v]);
    const headers = { 'X-Token': 'a' };
    const tested = triggerConfigHash(
      { channel: 'http', url: 'https://a.example/h', method: 'POST', format: 'json', headers, email: null, templateId: 'tpl_m' } as unknown as TriggerEntity,
      3,
    );
    const insert = (id: string, status: string, templateVersion: number | null, hash: string | null) =>
      db.query(
        `INSERT INTO triggers (id, customer_id, name, event_types, channel, url, method, format, headers, retry_enabled, max_attempts, timeout_ms, template_id, template_version, status, secret_sealed, tested_config_hash, last_test_at)
         VALUES (?, 'cus_m', ?, '["order.shipped"]', 'http', 'https://a.example/h', 'POST', 'json', ?, 1, 8, 10000, 'tpl_m', ?, ?, 'sealed', ?, ?)`,
        [id, `trigger ${id}`, JSON.stringify(headers), templateVersion, status, hash, hash ? new Date('2026-11-01T10:00:00Z') : null],
      );
    await insert('trg_active', 'active', null, tested);
    await insert('trg_paused', 'paused', 2, null);
    await insert('trg_draft', 'draft', null, null);

    await db.destroy();
    db = new DataSource(dataSourceOptions(`${TEST_DATABASE_SERVER}/${name}`));
    await db.initialize();
    expect((await db.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual([
      'TriggerRevisions1796200000000',
      'OutputSchema1796200000001',
      'TriggerFixtures1796200000002',
      'SecretsKeyCheck1796300000001',
      'DataLifecycle1796300000002',
      'AttemptTraceId1796300000003',
      'OrderAware1796400000001',
      'Backfills1796400000002',
    ]);

    const triggers = await db.query<Array<Record<string, number | null | string>>>(
      `SELECT id, latest_revision, live_revision, live_template_version, draft_revision FROM triggers ORDER BY id`,
    );
    expect(triggers).toEqual([
      { id: 'trg_active', latest_revision: 1, live_revision: 1, live_template_version: 3, draft_revision: null },
      { id: 'trg_draft', latest_revision: 1, live_revision: null, live_template_version: null, draft_revision: 1 },
      { id: 'trg_paused', latest_revision: 1, live_revision: 1, live_template_version: 2, draft_revision: null },
    ]);
    const revisions = await db.query<
      Array<{
        trigger_id: string;
        number: number;
        config: string;
        config_hash: string;
        tested_at: Date | null;
        activated_at: Date | null;
        template_version: number | null;
      }>
    >(`SELECT trigger_id, number, config, config_hash, tested_at, activated_at, template_version FROM trigger_revisions ORDER BY trigger_id`);
    expect(revisions.map((r) => [r.trigger_id, r.number, r.template_version, r.tested_at !== null, r.activated_at !== null])).toEqual([
      ['trg_active', 1, 3, true, true],
      ['trg_draft', 1, null, false, false],
      ['trg_paused', 1, 2, false, true],
    ]);
    expect(revisions[0].config_hash).toBe(tested);
    expect(JSON.parse(revisions[0].config)).toEqual({
      name: 'trigger trg_active',
      eventTypes: ['order.shipped'],
      url: 'https://a.example/h',
      method: 'POST',
      format: 'json',
      headers,
      retryOnFailure: true,
      maxAttempts: 8,
      timeoutMs: 10000,
      templateId: 'tpl_m',
      templateVersion: null,
      email: null,
    });
  });
});
