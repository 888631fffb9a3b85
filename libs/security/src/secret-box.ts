import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals small secrets (signing secrets, SMTP passwords) with AES-256-GCM so that they are
 * never stored or published in clear: in MySQL, and on the config topic. The key is shared by
 * the config service (which seals) and the delivery service (which opens).
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `keyMaterial`: 32 bytes in base64, or any passphrase of 32+ characters (hashed with SHA-256). */
  constructor(keyMaterial: string) {
    const decoded = Buffer.from(keyMaterial, 'base64');
    if (decoded.length === 32 && decoded.toString('base64') === keyMaterial) this.key = decoded;
    else if (keyMaterial.length >= 32) this.key = createHash('sha256').update(keyMaterial).digest();
    else throw new Error('secret key must be 32 bytes in base64 or a passphrase of at least 32 characters');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
