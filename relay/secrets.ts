import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random identifier with `bytes` bytes of CSPRNG entropy. */
export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export const newDocId = () => randomId(12);
/** 128 bits: knowing it is enough to view a link-access doc. */
export const newShareId = () => randomId(16);
/** 256 bits, returned once at publish and stored only as a hash. */
export const newIngestKey = () => `sck_${randomId(32)}`;

/** Secrets here are high-entropy random strings, so one SHA-256 is a sound one-way hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
