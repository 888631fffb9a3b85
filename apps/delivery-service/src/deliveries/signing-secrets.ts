import type { TriggerSecrets, TriggerSnapshot } from '@postback/contracts';
import type { SecretBox } from '@postback/security';

interface Opened {
  current: string;
  previous?: { secret: string; expiresAt: number };
}

/**
 * The signing secrets of a trigger, opened once (AES-GCM) and cached by their sealed form. After a
 * rotation the previous secret signs too, but only until its grace period ends: the expiry is
 * checked on every use, not when the secrets were first opened, so a cached old secret stops
 * signing on time without a restart.
 */
export class SigningSecrets {
  private readonly opened = new Map<string, Opened>();

  constructor(
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  /** Newest first. Throws when the sealed secrets cannot be opened (another SECRETS_KEY). */
  secretsFor(trigger: TriggerSnapshot): string[] {
    let opened = this.opened.get(trigger.sealedSecrets);
    if (!opened) {
      const secrets = JSON.parse(this.box.open(trigger.sealedSecrets)) as TriggerSecrets;
      opened = {
        current: secrets.current,
        ...(secrets.previous ? { previous: { secret: secrets.previous.secret, expiresAt: Date.parse(secrets.previous.expiresAt) } } : {}),
      };
      if (this.opened.size >= 10_000) this.opened.clear();
      this.opened.set(trigger.sealedSecrets, opened);
    }
    return opened.previous && opened.previous.expiresAt > this.now() ? [opened.current, opened.previous.secret] : [opened.current];
  }
}
