import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the secret's bytes, base64,
 * sent as `v1,<signature>`; several signatures are separated by spaces (secret rotation).
 */
const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export function isSigningSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const raw = Buffer.from(value.slice(SECRET_PREFIX.length), 'base64');
  return raw.length >= 24 && raw.length <= 64;
}

function secretBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('signing secret must start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function computeSignature(secret: string, webhookId: string, timestampSeconds: number, body: string | Buffer): string {
  const hmac = createHmac('sha256', secretBytes(secret));
  hmac.update(`${webhookId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

/** The `webhook-signature` header value: one signature per secret, space separated. */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string | Buffer): string {
  return secrets.map((s) => computeSignature(s, webhookId, timestampSeconds, body)).join(' ');
}

/** Receiver-side check, used by the demo receiver; tests verify with the standardwebhooks package. */
export function verifySignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string | Buffer,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(secret, headers.id, ts, body));
  return headers.signature.split(' ').some((candidate) => {
    const got = Buffer.from(candidate);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
