// The emulator's signing certificates, built by @peculiar/x509: the hand-made DER encoder they
// replace wrote non-minimal integers for about one random serial in 400, which OpenSSL refuses.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate, signJwt } from '../emulator/google/keys.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const certificate = (serialNumber?: string) =>
  selfSignedCertificate(publicKey, privateKey, { commonName: 'test', notBefore: new Date(), notAfter: new Date(Date.now() + 3_600_000), ...(serialNumber ? { serialNumber } : {}) });

describe('the emulator\'s certificates', () => {
  it('encode serials minimally, as DER requires, whatever their first bytes', async () => {
    // Leading zero bytes are dropped, and a leading 1 bit gets one zero byte to stay positive.
    const serials: [string, string][] = [['0005', '05'], ['000085', '85'], ['85', '85'], ['7f', '7F'], ['0080', '80']];
    for (const [given, parsed] of serials) {
      const parsedCertificate = new X509Certificate(await certificate(given));
      expect(parsedCertificate.serialNumber).toBe(parsed);
      expect(parsedCertificate.verify(publicKey)).toBe(true);
    }
  });

  it('parse and verify with node:crypto and google-auth-library, many random serials over', async () => {
    const client = new OAuth2Client();
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt({ iss: 'https://accounts.google.com', aud: 'client', sub: '1', iat: now, exp: now + 600 }, { kid: 'k', privateKey });
    for (let i = 0; i < 500; i++) {
      const pem = await certificate();
      expect(new X509Certificate(pem).verify(publicKey)).toBe(true);
      const ticket = await client.verifySignedJwtWithCertsAsync(token, { k: pem }, 'client', ['https://accounts.google.com']);
      expect(ticket.getPayload()?.sub).toBe('1');
    }
  });
});
