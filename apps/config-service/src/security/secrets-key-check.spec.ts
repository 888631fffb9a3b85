import { generateSigningSecret, SecretBox } from '@postback/security';
import { secretsKeyProblem } from './secrets-key-check';

describe('the SECRETS_KEY check at start', () => {
  const ours = new SecretBox('a'.repeat(32));
  const theirs = new SecretBox('b'.repeat(32));

  it('passes with no stored secret, and with one sealed by this key', () => {
    expect(secretsKeyProblem(undefined, ours)).toBeUndefined();
    expect(secretsKeyProblem({ id: 'trg_1', secretSealed: ours.seal(generateSigningSecret()) }, ours)).toBeUndefined();
  });

  it('names the cause when the stored secrets were sealed with another key', () => {
    const problem = secretsKeyProblem({ id: 'trg_1', secretSealed: theirs.seal(generateSigningSecret()) }, ours);
    expect(problem).toMatch(/sealed with another SECRETS_KEY \(trigger trg_1/);
    expect(problem).toMatch(/DATABASE_URL/);
  });
});
