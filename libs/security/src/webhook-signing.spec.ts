import { Webhook } from 'standardwebhooks';
import { SecretBox } from './secret-box';
import { computeSignature, generateSigningSecret, isSigningSecret, signatureHeader, verifySignature } from './webhook-signing';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ orderId: 'ord_1', note: 'Zoë "quoted"\n😀' });
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const now = Math.floor(Date.now() / 1000);

  it('generates secrets the reference library accepts', () => {
    const secret = generateSigningSecret();
    expect(isSigningSecret(secret)).toBe(true);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('produces signatures that the standardwebhooks package verifies', () => {
    const secret = generateSigningSecret();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': signatureHeader([secret], id, now, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the reference implementation byte for byte', () => {
    const secret = generateSigningSecret();
    const reference = new Webhook(secret).sign(id, new Date(now * 1000), body);
    expect(computeSignature(secret, id, now, body)).toBe(reference);
  });

  it('fails verification when the body, id or timestamp changed, or with another secret', () => {
    const secret = generateSigningSecret();
    const signature = signatureHeader([secret], id, now, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body + ' ', { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': signature })).toThrow();
    expect(() => wh.verify(body, { 'webhook-id': 'msg_other', 'webhook-timestamp': String(now), 'webhook-signature': signature })).toThrow();
    expect(() => wh.verify(body, { 'webhook-id': id, 'webhook-timestamp': String(now + 1), 'webhook-signature': signature })).toThrow();
    expect(() =>
      new Webhook(generateSigningSecret()).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': signature }),
    ).toThrow();
  });

  it('signs with both secrets during a rotation, so receivers on either secret verify', () => {
    const oldSecret = generateSigningSecret();
    const newSecret = generateSigningSecret();
    const header = signatureHeader([newSecret, oldSecret], id, now, body);
    expect(header.split(' ')).toHaveLength(2);
    for (const s of [oldSecret, newSecret]) {
      expect(() => new Webhook(s).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': header })).not.toThrow();
      expect(verifySignature(s, { id, timestamp: String(now), signature: header }, body)).toBe(true);
    }
  });

  it('refuses a stale timestamp in its own verifier', () => {
    const secret = generateSigningSecret();
    const old = now - 3600;
    expect(verifySignature(secret, { id, timestamp: String(old), signature: signatureHeader([secret], id, old, body) }, body)).toBe(false);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox('a-passphrase-of-at-least-thirty-two-characters');

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('whsec_abc');
    const b = box.seal('whsec_abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_abc');
    expect(box.open(a)).toBe('whsec_abc');
    expect(box.open(b)).toBe('whsec_abc');
  });

  it('detects tampering and a wrong key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const flipped = [parts[0], parts[1], parts[2], Buffer.from('x' + (parts[3] ?? '')).toString('base64url')].join('.');
    expect(() => box.open(flipped)).toThrow();
    expect(() => new SecretBox('another-passphrase-of-thirty-two-chars!').open(sealed)).toThrow();
  });

  it('refuses a short key', () => {
    expect(() => new SecretBox('short')).toThrow(/at least 32/);
  });
});
