import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { TriggersService } from '../triggers/triggers.service';
import { PauseNotices } from './pause-notices';

/** A live trigger that has failed, without a success, for at least the configured time. */
export interface FailureStreak {
  triggerId: string;
  customerId: string;
  /** The first attempt of the oldest delivery that has failed since the last success (or since the trigger became active). */
  failingSince: Date;
  lastSuccessAt: Date | null;
  /** Dead-lettered deliveries (attempts used up, or a permanent error) since `failingSince`. */
  deadLetters: number;
}

type Row = Record<string, unknown>;

/**
 * Finds failure streaks in the delivery log and pauses those triggers. A streak: no successful
 * live delivery for AUTO_PAUSE_AFTER_HOURS (counted from the last success, and not from before
 * the trigger last became active, so a resumed trigger gets the whole period again), at least one
 * dead letter meanwhile, and a failing delivery that began at least that long ago (a quiet
 * trigger is never paused). Test deliveries do not count. Read through the delivery log's indexes:
 * candidates from the recent dead letters, then two lookups per candidate.
 */
@Injectable()
export class FailureStreakDetector {
  private readonly autoPaused: Counter;

  constructor(
    private readonly db: DataSource,
    private readonly triggers: TriggersService,
    private readonly notices: PauseNotices,
    private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.autoPaused = new Counter({
      name: 'postback_triggers_auto_paused_total',
      help: 'Triggers the platform paused after a failure streak (no success, dead letters) of AUTO_PAUSE_AFTER_HOURS',
      registers: [registry],
    });
  }

  /** Streaks of at least `afterMs` as of `now`, for live triggers. */
  async find(now: Date, afterMs = this.config.lifecycle.autoPauseAfterMs): Promise<FailureStreak[]> {
    const windowStart = new Date(now.getTime() - afterMs);
    const candidates = await this.db.query<Row[]>(
      `SELECT DISTINCT d.trigger_id AS triggerId, t.customer_id AS customerId, t.active_since AS activeSince
         FROM deliveries d JOIN triggers t ON t.id = d.trigger_id
        WHERE d.status = 'failed' AND d.test = 0 AND d.last_attempt_at >= ? AND t.status = 'active'`,
      [windowStart],
    );
    const streaks: FailureStreak[] = [];
    for (const c of candidates) {
      const triggerId = String(c.triggerId);
      const activeSince = c.activeSince ? new Date(c.activeSince as Date) : null;
      const [success] = await this.db.query<Row[]>(
        `SELECT MAX(last_attempt_at) AS at FROM deliveries WHERE trigger_id = ? AND status = 'delivered' AND test = 0`,
        [triggerId],
      );
      const lastSuccessAt = success?.at ? new Date(success.at as Date) : null;
      if (lastSuccessAt && lastSuccessAt > windowStart) continue;
      const floor = latest(lastSuccessAt, activeSince) ?? new Date(0);
      const [failing] = await this.db.query<Row[]>(
        `SELECT MIN(first_attempt_at) AS since, SUM(status = 'failed') AS dead
           FROM deliveries WHERE trigger_id = ? AND status IN ('failed', 'retrying') AND test = 0 AND last_attempt_at >= ?`,
        [triggerId, floor],
      );
      if (!failing?.since || Number(failing.dead) === 0) continue;
      const failingSince = latest(new Date(failing.since as Date), floor)!;
      if (failingSince > windowStart) continue;
      streaks.push({ triggerId, customerId: String(c.customerId), failingSince, lastSuccessAt, deadLetters: Number(failing.dead) });
    }
    return streaks;
  }

  /** Pauses every trigger with a streak; returns those it paused (a trigger paused meanwhile is left alone). */
  async pauseStreaks(now = new Date(), afterMs = this.config.lifecycle.autoPauseAfterMs): Promise<FailureStreak[]> {
    if (afterMs === 0) return [];
    const paused: FailureStreak[] = [];
    for (const s of await this.find(now, afterMs)) {
      const hours = Math.round(afterMs / 3_600_000);
      const reason =
        `no successful delivery since ${(s.lastSuccessAt ?? s.failingSince).toISOString()} (failing since ${s.failingSince.toISOString()}, ` +
        `${s.deadLetters} dead letter(s)): paused by the platform after ${hours} h. Resume with POST …/activate; ` +
        `replay the dead letters with POST …/replays from ${s.failingSince.toISOString()} to ${now.toISOString()}`;
      const done = await this.triggers.pauseBySystem(s.triggerId, reason, 'trigger.pause.failure-streak', {
        failingSince: s.failingSince.toISOString(),
        lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
        deadLetters: s.deadLetters,
        replay: { from: s.failingSince.toISOString(), to: now.toISOString() },
      });
      if (!done) continue;
      this.autoPaused.inc();
      this.logger.warn(
        { triggerId: s.triggerId, customerId: s.customerId, failingSince: s.failingSince, deadLetters: s.deadLetters },
        'paused a failing trigger',
      );
      paused.push(s);
      await this.notices.triggerPaused(s.triggerId, reason);
    }
    return paused;
  }
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
