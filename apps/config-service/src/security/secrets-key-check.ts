import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER } from '@postback/observability';
import { SecretBox } from '@postback/security';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TriggerEntity } from '../triggers/trigger.entity';

/** Why the stored secrets cannot be used with this SECRETS_KEY, or undefined when they can (or there are none). */
export function secretsKeyProblem(stored: { id: string; secretSealed: string } | undefined, box: SecretBox): string | undefined {
  if (!stored) return undefined;
  try {
    box.open(stored.secretSealed);
    return undefined;
  } catch {
    return (
      `the database holds signing secrets sealed with another SECRETS_KEY (trigger ${stored.id} cannot be opened): ` +
      'start with the SECRETS_KEY of the installation that wrote them, or point DATABASE_URL at an empty database'
    );
  }
}

/**
 * At start, opens one stored signing secret: with another installation's SECRETS_KEY every
 * snapshot, test and delivery would fail later with a puzzling error, so the service refuses to
 * start and says why. A database that cannot be reached is not this check's business (readiness
 * reports it).
 */
@Injectable()
export class SecretsKeyCheck implements OnApplicationBootstrap {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let stored: TriggerEntity | undefined;
    try {
      [stored] = await this.db.manager.find(TriggerEntity, { select: { id: true, secretSealed: true }, order: { id: 'ASC' }, take: 1 });
    } catch (e) {
      this.logger.warn({ err: e }, 'could not check the stored signing secrets against SECRETS_KEY (is the database down?)');
      return;
    }
    const problem = secretsKeyProblem(stored, this.box);
    if (problem) throw new Error(problem);
  }
}
