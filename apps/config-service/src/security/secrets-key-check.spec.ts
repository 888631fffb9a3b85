import { generateSigningSecret, SecretBox } from '@postback/security';
import { checkSecretsKey, KEY_CHECK_TEXT } from './secrets-key-check';

describe('the SECRETS_KEY check at start', () => {
  const ours = new SecretBox('a'.repeat(32));
  const theirs = new SecretBox('b'.repeat(32));

  it('on an empty database, passes and writes a key check value that this key opens', () => {
    const verdict = checkSecretsKey({}, ours, 'postback');
    expect(verdict.ok).toBe(true);
    const written = verdict.ok ? verdict.write : undefined;
    expect(ours.open(written!)).toBe(KEY_CHECK_TEXT);
    expect(checkSecretsKey({ checkValue: written }, ours, 'postback')).toEqual({ ok: true });
  });

  it('refuses a key check value written with another key, naming the cause and the two ways out', () => {
    const verdict = checkSecretsKey({ checkValue: theirs.seal(KEY_CHECK_TEXT) }, ours, 'postback');
    expect(verdict.ok).toBe(false);
    const problem = verdict.ok ? '' : verdict.problem;
    expect(problem).toMatch(/^SECRETS_KEY does not open the secrets stored in the database "postback": its key check value cannot be opened with it/);
    expect(problem).toMatch(/start with the SECRETS_KEY that wrote it/);
    expect(problem).toMatch(/scripts\/reset\.sh/);
  });

  it('refuses a key check value that opens to something else', () => {
    expect(checkSecretsKey({ checkValue: ours.seal('something else') }, ours, 'postback').ok).toBe(false);
    expect(checkSecretsKey({ checkValue: 'not sealed' }, ours, 'postback').ok).toBe(false);
  });

  it('on a database from before key check values, checks a stored signing secret first, then writes the value', () => {
    const mine = checkSecretsKey({ secret: { id: 'trg_1', secretSealed: ours.seal(generateSigningSecret()) } }, ours, 'postback');
    expect(mine.ok && mine.write).toBeTruthy();
    const other = checkSecretsKey({ secret: { id: 'trg_1', secretSealed: theirs.seal(generateSigningSecret()) } }, ours, 'postback');
    expect(other).toEqual({ ok: false, problem: expect.stringMatching(/the signing secret of trigger trg_1 cannot be opened with it.*scripts\/reset\.sh/) });
  });

  it('trusts the key check value over a trigger secret', () => {
    const verdict = checkSecretsKey(
      { checkValue: ours.seal(KEY_CHECK_TEXT), secret: { id: 'trg_1', secretSealed: theirs.seal(generateSigningSecret()) } },
      ours,
      'postback',
    );
    expect(verdict).toEqual({ ok: true });
  });
});
