// A self-signed X.509 certificate for one RSA key, the form Google publishes at /oauth2/v1/certs.
// node:crypto can sign and parse certificates but not build one, and the one fixed shape needed
// here (v3, no extensions, sha256WithRSAEncryption) is a few DER nodes: cheaper than a PKI library.

import { randomBytes, sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function node(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...content: Buffer[]) => node(0x30, ...content);
const set = (...content: Buffer[]) => node(0x31, ...content);
const utf8 = (text: string) => node(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer) => node(0x03, Buffer.from([0]), bytes);
const explicit = (n: number, content: Buffer) => node(0xa0 + n, content);

export function integer(bytes: Buffer): Buffer {
  // DER integers are minimal (no leading zero byte unless the next byte's top bit is set)...
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && !(bytes[start + 1]! & 0x80)) start++;
  const minimal = bytes.subarray(start);
  // ...and signed: a leading 1 bit needs a zero byte in front to stay positive.
  return node(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-24T08:15:35.000Z → 261124081535Z
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return node(0x17, Buffer.from(text, 'ascii'));
}

// OID 1.2.840.113549.1.1.11 (sha256WithRSAEncryption) with its NULL parameters, and OID 2.5.4.3 (commonName).
const SHA256_WITH_RSA = sequence(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'));
const COMMON_NAME = Buffer.from('0603550403', 'hex');

function name(commonName: string): Buffer {
  return sequence(set(sequence(COMMON_NAME, utf8(commonName))));
}

export interface CertificateOptions {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

/** A PEM `CERTIFICATE` for `publicKey`, self-signed with `privateKey`. */
export function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, options: CertificateOptions): string {
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(8)),
    SHA256_WITH_RSA,
    name(options.commonName),
    sequence(utcTime(options.notBefore), utcTime(options.notAfter)),
    name(options.commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const der = sequence(tbs, SHA256_WITH_RSA, bitString(sign('sha256', tbs, privateKey)));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
