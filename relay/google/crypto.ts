// Secrets at rest and in cookies, all derived from SHEETCAST_SECRET_KEY: Google tokens are sealed
// with AES-256-GCM (a fresh 96-bit nonce each time, bound to the row they belong to), and the
// session and OAuth-state cookies are signed with a separate HMAC key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface DerivedKeys {
  /** AES-256-GCM key for Google tokens in the store. */
  tokens: Buffer;
  /** HMAC key for signed cookies (session, OAuth state). */
  cookies: Buffer;
}

/** One master key, separate keys per use: a leak of one use's output says nothing of another. */
export function deriveKeys(secretKey: Buffer): DerivedKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), info, 32));
  return { tokens: derive('sheetcast google tokens v1'), cookies: derive('sheetcast cookies v1') };
}

const VERSION = 'v1';

/**
 * `v1.<nonce>.<ciphertext>.<tag>` (base64url). `context` (e.g. the owner id) is authenticated but
 * not stored, so a sealed token copied to another row does not open there.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, nonce, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** The plaintext of `seal`; throws when the key, the context or any byte differs. */
export function unseal(key: Buffer, sealed: string, context: string): string {
  const [version, nonce, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined) {
    throw new Error('not a sealed token');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
