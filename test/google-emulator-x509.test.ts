import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { integer, selfSignedCertificate } from '../emulator/google/x509.ts';

describe('the emulator\'s certificates', () => {
  it('encode integers minimally, as DER requires, whatever the random serial\'s first bytes', () => {
    expect(integer(Buffer.from([0x00, 0x05]))).toEqual(Buffer.from([0x02, 0x01, 0x05]));
    expect(integer(Buffer.from([0x00, 0x00, 0x85]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x85]));
    expect(integer(Buffer.from([0x85]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x85]));
    expect(integer(Buffer.from([0x00]))).toEqual(Buffer.from([0x02, 0x01, 0x00]));
  });

  it('parse and verify with node:crypto, many times over', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (let i = 0; i < 500; i++) {
      const pem = selfSignedCertificate(publicKey, privateKey, { commonName: 'test', notBefore: new Date(), notAfter: new Date(Date.now() + 3_600_000) });
      expect(new X509Certificate(pem).verify(publicKey)).toBe(true);
    }
  });
});
