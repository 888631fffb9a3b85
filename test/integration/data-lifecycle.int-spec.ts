import { randomUUID } from 'node:crypto';
import { AttemptOutcome, AttemptResult, encodeAttemptResult, sampleEvent } from '@postback/contracts';
import { ConsumedMessage } from '@postback/kafka';
import { DataSource } from 'typeorm';
import { DeliveryLogWriter } from '../../apps/config-service/src/deliveries/delivery-log.writer';
import { ExclusiveSchedule } from '../../apps/config-service/src/lifecycle/exclusive-schedule';
import { FailureStreakDetector } from '../../apps/config-service/src/lifecycle/failure-streaks';
import { LifecycleJobs } from '../../apps/config-service/src/lifecycle/lifecycle-jobs';
import { RetentionPurger } from '../../apps/config-service/src/lifecycle/retention';
import { testLogger } from '../support/environment';
import { startPlatform, TestPlatform } from '../support/platform';
import { SmtpSink } from '../support/smtp-sink';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface TriggerBody {
  id: string;
  status: string;
  pausedReason?: string;
}

describe('data lifecycle: auto-pause of failing triggers and retention of the delivery log (MySQL/MariaDB)', () => {
  let platform: TestPlatform;
  let smtp: SmtpSink;
  let writer: DeliveryLogWriter;
  let db: DataSource;
  let templateId: string;
  const now = new Date();
  let sequence = 0;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    platform = await startPlatform({
      without: ['router', 'delivery'],
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'Postbacks <postbacks@platform.example>',
        RETENTION_DELIVERIES_DAYS: '30',
        RETENTION_PAYLOADS_DAYS: '7',
        RETENTION_AUDIT_DAYS: '365',
        RETENTION_BATCH_SIZE: '50',
        RETENTION_BATCH_PAUSE_MS: '0',
        SLA_GAUGE_REFRESH_MS: '0',
      },
    });
    // The schedules would run the same code on their own; here each step runs when the test says.
    await platform.configService.get(LifecycleJobs).beforeApplicationShutdown();
    writer = platform.configService.get(DeliveryLogWriter);
    db = platform.configService.get(DataSource);
    templateId = (await platform.api<{ id: string }>('POST', '/templates', { name: 'Lifecycle', body: '{"order": <%~ json(it.data.id) %>}' })).body.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await smtp?.stop();
  });

  async function newCustomer(extra: Record<string, unknown> = {}): Promise<string> {
    const id = `cus_${randomUUID().slice(0, 8)}`;
    expect((await platform.api('POST', '/customers', { id, name: `Customer ${id}`, ...extra })).status).toBe(201);
    return id;
  }

  async function liveTrigger(customerId: string, activeSince?: Date): Promise<string> {
    const created = await platform.api<TriggerBody>('POST', `/customers/${customerId}/triggers`, {
      name: 'Orders',
      eventTypes: ['order.shipped'],
      channel: 'http',
      url: 'https://receiver.example/hooks',
      templateId,
    });
    expect(created.status).toBe(201);
    expect((await platform.api('POST', `/customers/${customerId}/triggers/${created.body.id}/activate`, { force: true })).status).toBe(200);
    if (activeSince) await db.query('UPDATE triggers SET active_since = ? WHERE id = ?', [activeSince, created.body.id]);
    return created.body.id;
  }

  /** Attempt results as the delivery service reports them, through the delivery-log writer. */
  function result(triggerId: string, customerId: string, outcome: AttemptOutcome, at: Date, extra: Partial<AttemptResult> = {}): AttemptResult {
    sequence++;
    const event = sampleEvent('order.shipped', { id: `evt_${sequence}_${randomUUID().slice(0, 6)}`, customerId });
    return {
      schema: 'attempt-result/1',
      deliveryId: `msg_${randomUUID().replace(/-/g, '')}`,
      attempt: 1,
      triggerId,
      customerId,
      eventId: event.id,
      eventType: event.type,
      orderId: event.data.id,
      channel: 'http',
      outcome,
      test: false,
      startedAt: at.toISOString(),
      durationMs: 12,
      endToEndMs: 40,
      request: { url: 'https://receiver.example/hooks', method: 'POST', bytes: 100 },
      response: { status: outcome === 'delivered' ? 200 : 500, headers: {}, bodyExcerpt: outcome === 'delivered' ? 'ok' : 'boom' },
      ...(outcome === 'delivered' ? {} : { error: { code: 'HTTP_5XX', message: 'the receiver answered 500' } }),
      ...(outcome === 'retry_scheduled' ? { nextAttemptAt: new Date(at.getTime() + HOUR).toISOString() } : {}),
      final: outcome !== 'retry_scheduled',
      ...(outcome === 'failed' ? { deadLettered: true } : {}),
      event,
      ...extra,
    };
  }

  async function write(results: AttemptResult[]): Promise<void> {
    const messages: ConsumedMessage[] = results.map((r, i) => ({
      topic: 'results',
      partition: 0,
      offset: String(i),
      key: r.deliveryId,
      value: Buffer.from(encodeAttemptResult(r).value),
      headers: {},
      timestamp: String(Date.now()),
    }));
    await writer.write(messages);
  }

  async function metric(name: string): Promise<string[]> {
    const text = await (await fetch(`${platform.apiUrl}/metrics`)).text();
    return text.split('\n').filter((l) => l.startsWith(name));
  }

  describe('a failure streak pauses the trigger', () => {
    let customerId: string;
    let failing: string;
    let recovering: string;
    let quiet: string;

    beforeAll(async () => {
      customerId = await newCustomer({ contactEmail: 'integrations@customer.example' });
      const longAgo = new Date(now.getTime() - 10 * DAY);
      failing = await liveTrigger(customerId, longAgo);
      recovering = await liveTrigger(customerId, longAgo);
      quiet = await liveTrigger(customerId, longAgo);
      await write([
        // failing: dead letters and retries for four days, never a success
        result(failing, customerId, 'failed', new Date(now.getTime() - 4 * DAY)),
        result(failing, customerId, 'retry_scheduled', new Date(now.getTime() - 2 * DAY)),
        result(failing, customerId, 'failed', new Date(now.getTime() - HOUR)),
        // recovering: the same failures, and one success a day ago
        result(recovering, customerId, 'failed', new Date(now.getTime() - 4 * DAY)),
        result(recovering, customerId, 'delivered', new Date(now.getTime() - DAY)),
        result(recovering, customerId, 'failed', new Date(now.getTime() - HOUR)),
        // quiet: one dead letter five days ago and nothing since (no dead letter within the period)
        result(quiet, customerId, 'failed', new Date(now.getTime() - 5 * DAY)),
      ]);
    });

    it('finds only the trigger with no success for the period and dead letters in it', async () => {
      const streaks = await platform.configService.get(FailureStreakDetector).find(now, 72 * HOUR);
      const mine = streaks.filter((s) => s.customerId === customerId);
      expect(mine.map((s) => s.triggerId)).toEqual([failing]);
      expect(mine[0]).toMatchObject({ deadLetters: 2, lastSuccessAt: null });
      expect(mine[0].failingSince.getTime()).toBe(now.getTime() - 4 * DAY);
      // Four days of failing is not a streak of four and a half.
      const longer = await platform.configService.get(FailureStreakDetector).find(now, 4.5 * DAY);
      expect(longer.filter((s) => s.customerId === customerId)).toEqual([]);
    });

    it('pauses it with its reason, audits and counts it, and resuming is one call', async () => {
      const paused = await platform.configService.get(FailureStreakDetector).pauseStreaks(now, 72 * HOUR);
      expect(paused.map((s) => s.triggerId)).toContain(failing);
      expect(paused.map((s) => s.triggerId)).not.toContain(recovering);

      const trigger = await platform.api<TriggerBody>('GET', `/customers/${customerId}/triggers/${failing}`);
      expect(trigger.body.status).toBe('paused');
      expect(trigger.body.pausedReason).toMatch(/no successful delivery since .*2 dead letter\(s\)\): paused by the platform after 72 h/);
      expect((await platform.api<TriggerBody>('GET', `/customers/${customerId}/triggers/${recovering}`)).body.status).toBe('active');

      // The customer hears of it at its contact address.
      const mails = await smtp.waitFor((all) => all.some((m) => m.envelope.to.includes('integrations@customer.example')), 10_000, 'the pause notice');
      const notice = mails.find((m) => m.envelope.to.includes('integrations@customer.example'))!.parsed;
      expect(notice.subject).toBe('Postbacks paused: Orders');
      expect(notice.text).toContain(failing);
      expect(notice.text).toMatch(/no successful delivery since/);
      expect(mails.filter((m) => m.envelope.to.includes('integrations@customer.example'))).toHaveLength(1);

      const audit = await platform.api<{ items: Array<{ action: string; entityId: string; details: { replay: { from: string; to: string } } }> }>(
        'GET',
        `/audit-log?entityType=trigger&entityId=${failing}`,
      );
      const entry = audit.body.items.find((e) => e.action === 'trigger.pause.failure-streak');
      expect(entry?.details.replay.from).toBe(new Date(now.getTime() - 4 * DAY).toISOString());
      expect((await metric('postback_triggers_auto_paused_total')).join('\n')).toMatch(/postback_triggers_auto_paused_total\{[^}]*\} [1-9]/);

      // The dead letters of the streak, replayed in bulk with the range the audit entry names.
      const replay = await platform.api<{ total: number }>('POST', '/replays', {
        triggerId: failing,
        from: entry!.details.replay.from,
        to: entry!.details.replay.to,
      });
      expect(replay.status).toBe(202);
      expect(replay.body.total).toBe(2);

      // Paused twice changes nothing; resume is one call and starts the period again.
      expect(await platform.configService.get(FailureStreakDetector).pauseStreaks(now, 72 * HOUR)).not.toContainEqual(
        expect.objectContaining({ triggerId: failing }),
      );
      const resumed = await platform.api<TriggerBody>('POST', `/customers/${customerId}/triggers/${failing}/activate`, { force: true });
      expect(resumed.body.status).toBe('active');
      expect(resumed.body.pausedReason).toBeUndefined();
      const after = await platform.configService.get(FailureStreakDetector).find(new Date(), 72 * HOUR);
      expect(after.map((s) => s.triggerId)).not.toContain(failing);
    });
  });

  describe('per-customer delivery objective (SLA)', () => {
    interface SlaBody {
      current: { decided: number; withinObjective: number; late: number; failed: number; pending: number; compliancePercent: number | null; met: boolean };
      breaches: Array<{ decided: number; compliancePercent: number }>;
      missed: Array<{ deliveryId: string; status: string }>;
    }

    it('refuses an objective out of range, per field, and answers 409 for a customer without one', async () => {
      const bad = await platform.api<{ errors: Array<{ field: string }> }>('POST', '/customers', {
        name: 'Bad objective',
        deliveryObjective: { percent: 150, withinSeconds: 0, windowMinutes: 60 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e) => e.field).join()).toMatch(/percent.*withinSeconds|withinSeconds.*percent/);
      const none = await newCustomer();
      expect((await platform.api('GET', `/customers/${none}/sla`)).status).toBe(409);
    });

    it('measures compliance on the delivery log, lists the breaches and the missed deliveries, and exports the gauges', async () => {
      const customerId = await newCustomer({ deliveryObjective: { percent: 99, withinSeconds: 60, windowMinutes: 60 } });
      const trigger = await liveTrigger(customerId);
      const at = (msAgo: number) => new Date(Date.now() - msAgo);
      const late = result(trigger, customerId, 'delivered', at(20 * 60_000), { endToEndMs: 90_000 });
      await write([
        ...Array.from({ length: 10 }, () => result(trigger, customerId, 'delivered', at(10 * 60_000), { endToEndMs: 2_000 })),
        late,
        result(trigger, customerId, 'failed', at(5 * 60_000)),
        result(trigger, customerId, 'retry_scheduled', at(5 * 60_000)), // past its deadline: late
        result(trigger, customerId, 'retry_scheduled', at(10_000)), // not decided yet
        result(trigger, customerId, 'delivered', at(30 * 60_000), { test: true, endToEndMs: 500_000 }), // tests do not count
        result(trigger, customerId, 'failed', at(90 * 60_000)), // the window before: a breach
      ]);
      const res = await platform.api<SlaBody>('GET', `/customers/${customerId}/sla`);
      expect(res.status).toBe(200);
      expect(res.body.current).toMatchObject({ decided: 13, withinObjective: 10, late: 2, failed: 1, pending: 1, met: false });
      expect(res.body.current.compliancePercent).toBeCloseTo((10 / 13) * 100, 2);
      expect(res.body.breaches).toEqual([expect.objectContaining({ decided: 1, compliancePercent: 0 })]);
      expect(res.body.missed.map((m) => m.deliveryId)).toContain(late.deliveryId);
      expect(res.body.missed).toHaveLength(3);

      const lines = await metric('postback_customer_sla_');
      const value = (name: string) =>
        Number(
          lines
            .find((l) => l.startsWith(name) && l.includes(`customer="${customerId}"`))
            ?.split(' ')
            .pop(),
        );
      expect(value('postback_customer_sla_compliance_ratio')).toBeCloseTo(10 / 13, 4);
      expect(value('postback_customer_sla_objective_ratio')).toBe(0.99);
      expect(value('postback_customer_sla_decided_deliveries')).toBe(13);

      // Clearing the objective clears it everywhere.
      const cleared = await platform.api<{ deliveryObjective: unknown }>('PATCH', `/customers/${customerId}`, { deliveryObjective: null });
      expect(cleared.body.deliveryObjective).toBeNull();
      expect((await platform.api('GET', `/customers/${customerId}/sla`)).status).toBe(409);
      // Only customers with an objective have series (bounded cardinality): this one's are gone.
      expect((await metric('postback_customer_sla_')).filter((l) => l.includes(`customer="${customerId}"`))).toEqual([]);
    });
  });

  describe('personal data in stored events', () => {
    it('is masked in the delivery log, the stored event and fixtures taken from the log, and revealed only with pii:read, audited', async () => {
      const customerId = await newCustomer({
        piiPaths: ['data.shippingAddress', 'data.billingAddress.name', 'data.billingAddress.company', 'data.billingAddress.line1'],
      });
      const trigger = await liveTrigger(customerId);
      const live = result(trigger, customerId, 'failed', new Date(), {
        response: {
          status: 422,
          headers: { 'x-echo': 'Åsa Lindqvist' },
          bodyExcerpt: '{"error":"unknown recipient asa.lindqvist@example.com at Sveavägen 44"}',
        },
        error: { code: 'HTTP_4XX', message: 'the receiver answered 422: unknown recipient Åsa Lindqvist' },
      });
      await write([live]);
      const personal = /Lindqvist|lindqvist|Sveavägen/;

      const detail = await platform.api<{
        attemptLog: Array<{ response: { bodyExcerpt: string; headers: Record<string, string> }; error: { message: string } }>;
      }>('GET', `/deliveries/${live.deliveryId}`);
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body)).not.toMatch(personal);
      expect(detail.body.attemptLog[0].response.bodyExcerpt).toBe('{"error":"unknown recipient *** at ***"}');
      expect(detail.body.attemptLog[0].error.message).toBe('the receiver answered 422: unknown recipient ***');

      const event = await platform.api<{
        masked: boolean;
        event: { data: { shippingAddress: Record<string, string>; billingAddress: Record<string, string> } };
      }>('GET', `/deliveries/${live.deliveryId}/event`);
      expect(event.body.masked).toBe(true);
      expect(JSON.stringify(event.body)).not.toMatch(personal);
      expect(event.body.event.data.shippingAddress.city).toBe('***');
      expect(event.body.event.data.billingAddress).toMatchObject({ name: '***', city: 'Stockholm' });

      // A read key sees the same masks and cannot reveal; a key with pii:read can, and the audit log names it.
      const keyOf = async (name: string, scopes: string[]) => (await platform.api<{ key: string }>('POST', '/api-keys', { name, scopes })).body.key;
      const reader = await keyOf('support desk', ['read']);
      const dpo = await keyOf('data protection officer', ['read', 'pii:read']);
      expect(JSON.stringify((await platform.api('GET', `/deliveries/${live.deliveryId}`, undefined, reader)).body)).not.toMatch(personal);
      const refused = await platform.api<{ code: string }>('GET', `/deliveries/${live.deliveryId}/event?reveal=true`, undefined, reader);
      expect(refused.status).toBe(403);
      expect((await platform.api('GET', `/deliveries/${live.deliveryId}?reveal=true`, undefined, reader)).status).toBe(403);
      const revealed = await platform.api<{ masked: boolean; event: { data: { shippingAddress: Record<string, string> } } }>(
        'GET',
        `/deliveries/${live.deliveryId}/event?reveal=true`,
        undefined,
        dpo,
      );
      expect(revealed.body.masked).toBe(false);
      expect(revealed.body.event.data.shippingAddress.name).toBe('Åsa Lindqvist');
      expect(JSON.stringify((await platform.api('GET', `/deliveries/${live.deliveryId}?reveal=true`, undefined, dpo)).body)).toMatch(personal);
      const audit = await platform.api<{ items: Array<{ action: string; actorName: string; details: { what: string } }> }>(
        'GET',
        `/audit-log?entityType=delivery&entityId=${live.deliveryId}`,
      );
      expect(audit.body.items.map((e) => [e.action, e.actorName, e.details.what]).sort()).toEqual([
        ['delivery.reveal', 'data protection officer', 'attempts'],
        ['delivery.reveal', 'data protection officer', 'event'],
      ]);

      // A fixture taken from the log keeps the event masked.
      const fixture = await platform.api<{ input: { data: { shippingAddress: Record<string, string> } } }>(
        'POST',
        `/customers/${customerId}/triggers/${trigger}/fixtures`,
        { name: 'From the log', deliveryId: live.deliveryId },
      );
      expect(fixture.status).toBe(201);
      expect(JSON.stringify(fixture.body)).not.toMatch(personal);
    });
  });

  describe('retention', () => {
    let plain: string;
    let keeps: string;
    let plainTrigger: string;
    let keepsTrigger: string;
    const old = new Date(now.getTime() - 40 * DAY);
    const middle = new Date(now.getTime() - 10 * DAY);
    const recent = new Date(now.getTime() - HOUR);

    beforeAll(async () => {
      plain = await newCustomer();
      // Its own periods: deliveries for 60 days, payloads for 1.
      keeps = await newCustomer({ retentionDeliveriesDays: 60 });
      const patched = await platform.api<{ retentionDeliveriesDays: number; retentionPayloadsDays: number }>('PATCH', `/customers/${keeps}`, {
        retentionPayloadsDays: 1,
      });
      expect(patched.body).toMatchObject({ retentionDeliveriesDays: 60, retentionPayloadsDays: 1 });
      plainTrigger = await liveTrigger(plain);
      keepsTrigger = await liveTrigger(keeps);
    });

    const count = async (sql: string, params: unknown[]) => Number((await db.query<Array<{ n: string | number }>>(sql, params))[0].n);
    const deliveries = (customerId: string, at: Date) =>
      count('SELECT COUNT(*) AS n FROM deliveries WHERE customer_id = ? AND last_attempt_at = ?', [customerId, at]);
    const withPayload = (customerId: string, at: Date) =>
      count('SELECT COUNT(*) AS n FROM deliveries WHERE customer_id = ? AND last_attempt_at = ? AND event_json IS NOT NULL', [customerId, at]);

    it('refuses a period out of range, per field', async () => {
      const res = await platform.api<{ errors: Array<{ field: string }> }>('PATCH', `/customers/${plain}`, {
        retentionDeliveriesDays: 0,
        retentionPayloadsDays: 'x',
      });
      expect(res.status).toBe(400);
      expect([...new Set(res.body.errors.map((e) => e.field))].sort()).toEqual(['retentionDeliveriesDays', 'retentionPayloadsDays']);
    });

    it('deletes old rows and empties old payloads in batches, keeps the rest, and follows per-customer periods', async () => {
      const many = (id: string, trigger: string, outcome: AttemptOutcome, at: Date, n: number) =>
        Array.from({ length: n }, () => result(trigger, id, outcome, at));
      await write([
        ...many(plain, plainTrigger, 'delivered', old, 120),
        ...many(plain, plainTrigger, 'retry_scheduled', old, 1),
        ...many(plain, plainTrigger, 'failed', middle, 30),
        ...many(plain, plainTrigger, 'delivered', recent, 30),
        ...many(keeps, keepsTrigger, 'delivered', old, 20),
        ...many(keeps, keepsTrigger, 'delivered', recent, 10),
      ]);
      await db.query(
        `INSERT INTO audit_log (at, actor_key_id, actor_name, action, entity_type, entity_id) VALUES (?, 'k', 'test', 'test.old', 'customer', ?)`,
        [new Date(now.getTime() - 400 * DAY), plain],
      );
      const auditBefore = await count('SELECT COUNT(*) AS n FROM audit_log', []);

      const summary = await platform.configService.get(RetentionPurger).purge(now);
      expect(summary.interrupted).toBe(false);
      // 120 old deliveries of `plain` in batches of 50: three statements at least, and no more rows than there were.
      expect(summary.batches).toBeGreaterThanOrEqual(3);
      expect(await deliveries(plain, old)).toBe(1); // the retrying one stays
      expect(
        await count('SELECT COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d USING (delivery_id) WHERE d.customer_id = ? AND d.last_attempt_at = ?', [
          plain,
          old,
        ]),
      ).toBe(1);
      expect(await deliveries(plain, middle)).toBe(30);
      expect(await withPayload(plain, middle)).toBe(0);
      expect(
        await count(
          'SELECT COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d USING (delivery_id) WHERE d.customer_id = ? AND d.last_attempt_at = ? AND a.response_excerpt IS NOT NULL',
          [plain, middle],
        ),
      ).toBe(0);
      expect(await withPayload(plain, recent)).toBe(30);
      expect(await deliveries(keeps, old)).toBe(20);
      expect(await withPayload(keeps, old)).toBe(0);
      expect(await withPayload(keeps, recent)).toBe(10);
      expect(await count(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'test.old'`, [])).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM audit_log', [])).toBe(auditBefore - 1);
      expect(summary.rows).toMatchObject({ audit: 1 });
      expect(summary.rows.deliveries).toBeGreaterThanOrEqual(120);
      expect(summary.rows.payloads).toBeGreaterThanOrEqual(50);

      const purgedMetric = (await metric('postback_retention_purged_rows_total')).find((l) => l.includes('kind="deliveries"'));
      expect(Number(purgedMetric?.split(' ').pop())).toBeGreaterThanOrEqual(120);
      expect((await metric('postback_retention_last_completed_timestamp_seconds')).join()).not.toMatch(/ 0$/);

      // A second run finds nothing left to do.
      const again = await platform.configService.get(RetentionPurger).purge(now);
      expect(again.rows).toEqual({ deliveries: 0, attempts: 0, payloads: 0, audit: 0 });
    });

    it('runs beside the delivery-log writer without holding it up: writes complete while the purge is under way', async () => {
      const oldRows = 3000;
      for (let i = 0; i < oldRows; i += 500) {
        await write(Array.from({ length: 500 }, () => result(plainTrigger, plain, 'delivered', old)));
      }
      let purgeDone = false;
      const writesDuringPurge: number[] = [];
      const purge = platform.configService
        .get(RetentionPurger)
        .purge(now)
        .finally(() => (purgeDone = true));
      let written = 0;
      while (!purgeDone) {
        await write(Array.from({ length: 50 }, () => result(plainTrigger, plain, 'delivered', new Date())));
        written += 50;
        if (!purgeDone) writesDuringPurge.push(written);
      }
      const summary = await purge;
      expect(summary.rows.deliveries).toBe(oldRows);
      expect(summary.batches).toBeGreaterThanOrEqual(oldRows / 50);
      // The writer went on between the purge's batches (a purge holding the table would leave this empty).
      expect(writesDuringPurge.length).toBeGreaterThan(1);
      expect(await count('SELECT COUNT(*) AS n FROM deliveries WHERE customer_id = ? AND last_attempt_at > ?', [plain, now])).toBe(written);
    });
  });

  describe('housekeeping on one config-service instance at a time', () => {
    it('skips a round while another instance holds the job', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let runs = 0;
      const first = new ExclusiveSchedule(db, testLogger('lifecycle'), 'test-job', 60_000, async () => {
        runs++;
        await held;
      });
      const second = new ExclusiveSchedule(db, testLogger('lifecycle'), 'test-job', 60_000, () => Promise.resolve(void runs++));
      const running = first.runOnce();
      await new Promise((r) => setTimeout(r, 200));
      expect(await second.runOnce()).toBe(false);
      release();
      expect(await running).toBe(true);
      expect(await second.runOnce()).toBe(true);
      expect(runs).toBe(2);
    });
  });
});
