import { newTriggerSnapshot } from '@postback/test-support';
import { SecretBox } from '@postback/security';
import { SigningSecrets } from './signing-secrets';

describe('SigningSecrets', () => {
  const box = new SecretBox('signing-secrets-spec-key-0123456789abcdef');
  const sealed = (previousExpiresAt?: string) =>
    box.seal(JSON.stringify({ current: 'whsec_new', ...(previousExpiresAt ? { previous: { secret: 'whsec_old', expiresAt: previousExpiresAt } } : {}) }));

  it('signs with the previous secret too during the grace period, and stops when it ends, though the secrets are cached', () => {
    let now = Date.parse('2026-11-30T10:00:00Z');
    const secrets = new SigningSecrets(box, () => now);
    const trigger = newTriggerSnapshot({ sealedSecrets: sealed('2026-11-30T11:00:00Z') });
    expect(secrets.secretsFor(trigger)).toEqual(['whsec_new', 'whsec_old']);
    now = Date.parse('2026-11-30T10:59:59Z');
    expect(secrets.secretsFor(trigger)).toEqual(['whsec_new', 'whsec_old']);
    now = Date.parse('2026-11-30T11:00:00Z');
    // The defect this guards against: the old secret kept signing until a restart.
    expect(secrets.secretsFor(trigger)).toEqual(['whsec_new']);
  });

  it('signs with the current secret alone when there is no rotation', () => {
    expect(new SigningSecrets(box).secretsFor(newTriggerSnapshot({ sealedSecrets: sealed() }))).toEqual(['whsec_new']);
  });

  it('throws when the secrets were sealed with another key', () => {
    const other = new SecretBox('another-key-entirely-0123456789abcdefgh');
    const trigger = newTriggerSnapshot({ sealedSecrets: other.seal(JSON.stringify({ current: 'whsec_x' })) });
    expect(() => new SigningSecrets(box).secretsFor(trigger)).toThrow();
  });
});
