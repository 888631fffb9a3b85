import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A random id with a type prefix, e.g. `trg_5k2x9...` (Crockford base32, 100 bits). */
export function newId(prefix: 'tpl' | 'trg' | 'cus' | 'key' | 'rpl' | 'fix' | 'bf'): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
