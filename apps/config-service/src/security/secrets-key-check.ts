import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import { SecretBox } from '@postback/security';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TriggerEntity } from '../triggers/trigger.entity';

/** The `platform_settings` row holding the key check value. */
export const KEY_CHECK_SETTING = 'secrets_key_check';
/** What the key check value holds, sealed with SECRETS_KEY. */
export const KEY_CHECK_TEXT = 'postback-platform secrets key check v1';

/** What the database holds to check SECRETS_KEY against. */
export interface StoredKeyMaterial {
  /** The key check value, when written (by this check, at an earlier start). */
  checkValue?: string;
  /** One stored trigger secret: the check of a database from before key check values. */
  secret?: { id: string; secretSealed: string };
}

export type KeyCheckVerdict =
  /** SECRETS_KEY opens the stored secrets; `write`: a key check value to store, when none is yet. */
  { ok: true; write?: string } | { ok: false; problem: string };

/** The message of a failed check: the cause and the two ways out. */
export function wrongKeyMessage(database: string, evidence: string): string {
  return (
    `SECRETS_KEY does not open the secrets stored in the database "${database}": ${evidence}. ` +
    'This database was written with another SECRETS_KEY. Either start with the SECRETS_KEY that wrote it ' +
    '(locally: the one in .local/platform.env when the database was created), ' +
    'or start over with an empty platform: scripts/reset.sh deletes its database and Kafka data (every customer, trigger and delivery), ' +
    'then scripts/up.sh (elsewhere: point DATABASE_URL at an empty database).'
  );
}

/** Whether `box` (SECRETS_KEY) opens what the database holds. Pure: the check below reads and writes. */
export function checkSecretsKey(stored: StoredKeyMaterial, box: SecretBox, database: string): KeyCheckVerdict {
  if (stored.checkValue !== undefined) {
    if (opens(box, stored.checkValue, KEY_CHECK_TEXT)) return { ok: true };
    return { ok: false, problem: wrongKeyMessage(database, 'its key check value cannot be opened with it') };
  }
  if (stored.secret && !opens(box, stored.secret.secretSealed)) {
    return { ok: false, problem: wrongKeyMessage(database, `the signing secret of trigger ${stored.secret.id} cannot be opened with it`) };
  }
  return { ok: true, write: box.seal(KEY_CHECK_TEXT) };
}

function opens(box: SecretBox, sealed: string, expected?: string): boolean {
  try {
    const text = box.open(sealed);
    return expected === undefined || text === expected;
  } catch {
    return false;
  }
}

/**
 * At start, checks SECRETS_KEY against the key check value stored in the database (written at the
 * first start; for a database from before it, against a stored signing secret first). With another
 * installation's key every snapshot, test and delivery would fail later with a puzzling error, so
 * the service refuses to start and says why, and the ways out: at module init, before any
 * background work (outbox relay, config topic reconciliation) starts. A database that cannot be
 * reached is not this check's business (readiness reports it).
 */
@Injectable()
export class SecretsKeyCheck implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const database = this.db.driver.database ?? '';
    let stored: StoredKeyMaterial;
    try {
      stored = await this.read();
    } catch (e) {
      this.logger.warn({ err: e }, 'could not check SECRETS_KEY against the stored secrets (is the database down?)');
      return;
    }
    const verdict = checkSecretsKey(stored, this.box, database);
    if (!verdict.ok) throw new Error(verdict.problem);
    if (!verdict.write) return;
    // Two instances starting together may both write: the first wins, and each checks what won.
    await this.db.query(`INSERT IGNORE INTO platform_settings (name, value, updated_at) VALUES (?, ?, NOW(3))`, [KEY_CHECK_SETTING, verdict.write]);
    const again = checkSecretsKey(await this.read(), this.box, database);
    if (!again.ok) throw new Error(again.problem);
    this.logger.info('SECRETS_KEY key check value stored');
  }

  private async read(): Promise<StoredKeyMaterial> {
    const rows = await this.db.query<Array<{ value: string }>>(`SELECT value FROM platform_settings WHERE name = ?`, [KEY_CHECK_SETTING]);
    if (rows[0]) return { checkValue: rows[0].value };
    const [secret] = await this.db.manager.find(TriggerEntity, { select: { id: true, secretSealed: true }, order: { id: 'ASC' }, take: 1 });
    return { secret };
  }
}
