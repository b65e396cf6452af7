// A webhook's signing secret: `whsec_` + base64 of 32 CSPRNG bytes (the Standard Webhooks form),
// shown to the owner once and kept sealed under a key derived from SHEETCAST_SECRET_KEY for this use alone.
import { hkdfSync, randomBytes } from 'node:crypto';
import { seal, unseal } from '../google/crypto.ts';

const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The sealing key for webhook secrets, apart from the keys for Google tokens and cookies. */
export function webhookSealingKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'sheetcast webhook secrets v1', 32));
}

/** Sealed for one webhook: a sealed secret copied to another row does not open there. */
export const sealSecret = (key: Buffer, webhookId: string, secret: string) => seal(key, secret, `webhook:${webhookId}`);
export const unsealSecret = (key: Buffer, webhookId: string, sealed: string) => unseal(key, sealed, `webhook:${webhookId}`);
