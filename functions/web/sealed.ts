import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What the pages keep server-side for a browser, sealed with a key derived from a secret only that browser holds: the
 * random id in its cookie, of which the store keeps only a hash. The registry table can then hold a session's ID token
 * or a kept form's answers while a function that reads the registry (or a copy of the table) learns nothing from them;
 * only a request bearing the cookie opens them. AES-256-GCM (node:crypto) also proves an item unaltered: a changed
 * byte opens to nothing. `purpose` gives each use its own key, so one kind of item never opens as another.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

const keyOf = (secret: string, purpose: string) => Buffer.from(hkdfSync('sha256', secret, '', `govtiers-web ${purpose}`, 32));

export function seal(secret: string, purpose: string, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The sealed text, or undefined when it was sealed for another secret or purpose, or altered since. */
export function unseal(secret: string, purpose: string, sealed: string): string | undefined {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret, purpose), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
