// Google's ID-token signing keys: RS256 key pairs published as PEM certificates (/oauth2/v1/certs)
// and as JWKs (/oauth2/v3/certs). Like Google, the set always holds the key that signs now, the
// next one (published before it signs, so a client with cached certs verifies it the moment it
// takes over) and the previous one (so tokens signed just before a rotation still verify).

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
// @peculiar/x509 v2 needs a Reflect metadata polyfill loaded before it (its README says so).
import 'reflect-metadata';
import { cryptoProvider, X509CertificateGenerator } from '@peculiar/x509';

// Node's own WebCrypto signs the certificates; set explicitly rather than found by probing globals.
cryptoProvider.set(globalThis.crypto);

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The PEM certificate: WebCrypto signs asynchronously, so it is ready shortly after the key. */
  certificate: Promise<string>;
}

export interface Jwk {
  kid: string;
  kty: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

export interface CertificateOptions {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** Hexadecimal; random (as Google's are) when absent. */
  serialNumber?: string;
}

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** A PEM `CERTIFICATE` for `publicKey`, self-signed with `privateKey` (v3, sha256WithRSAEncryption). */
export async function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, options: CertificateOptions): Promise<string> {
  // Node's CryptoKey knows more key usages than the DOM's (which the tests' typecheck includes).
  const keys = {
    publicKey: publicKey.toCryptoKey(RS256, true, ['verify']),
    privateKey: privateKey.toCryptoKey(RS256, false, ['sign']),
  } as Parameters<typeof X509CertificateGenerator.createSelfSigned>[0]['keys'];
  const certificate = await X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.commonName}`,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: RS256,
    keys,
    ...(options.serialNumber ? { serialNumber: options.serialNumber } : {}),
  });
  return certificate.toString('pem') + '\n';
}

const ISSUER_NAME = 'federated-signon.system.gserviceaccount.com';
const CERTIFICATE_LIFETIME_MS = 14 * 24 * 3600 * 1000;

export function createSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // Google's kids are 40 hex characters; a digest of the key makes them stable for that key.
  const kid = createHash('sha1').update(spki).update(randomBytes(8)).digest('hex');
  const now = Date.now();
  const certificate = selfSignedCertificate(publicKey, privateKey, {
    commonName: ISSUER_NAME,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + CERTIFICATE_LIFETIME_MS),
  });
  return { kid, privateKey, publicKey, certificate };
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A compact RS256 JWS of `payload`, with `kid` in its header. */
export function signJwt(payload: object, key: { kid: string; privateKey: KeyObject }): string {
  const header = { alg: 'RS256', kid: key.kid, typ: 'JWT' };
  const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signed}.${base64url(sign('sha256', Buffer.from(signed), key.privateKey))}`;
}

/** Decodes one base64url JSON segment of a JWT (header or payload) without checking anything. */
export function decodeJwtSegment(part: string | undefined): Record<string, unknown> | null {
  if (part === undefined) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class KeySet {
  private _previous: SigningKey | null = null;
  private _current = createSigningKey();
  private _next = createSigningKey();
  /** Signs forged tokens: never published. */
  readonly outsider = createSigningKey();

  get current(): SigningKey {
    return this._current;
  }

  /** Published keys, oldest first. */
  published(): SigningKey[] {
    return [this._previous, this._current, this._next].filter((k): k is SigningKey => k !== null);
  }

  /** The next key starts signing, the current one stays published as previous, the oldest is retired. */
  rotate(): void {
    this._previous = this._current;
    this._current = this._next;
    this._next = createSigningKey();
  }

  /** `{kid: PEM certificate}`, the body of /oauth2/v1/certs. */
  async pemCertificates(): Promise<Record<string, string>> {
    return Object.fromEntries(await Promise.all(this.published().map(async (k) => [k.kid, await k.certificate])));
  }

  /** `{keys: [JWK]}`, the body of /oauth2/v3/certs. */
  jwks(): { keys: Jwk[] } {
    return {
      keys: this.published().map((k) => {
        const jwk = k.publicKey.export({ format: 'jwk' });
        return { kid: k.kid, kty: String(jwk.kty), alg: 'RS256', use: 'sig', n: String(jwk.n), e: String(jwk.e) };
      }),
    };
  }
}
