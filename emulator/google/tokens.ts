// Authorization codes, grants, access tokens and refresh tokens, as Google's token endpoint keeps
// them: a code is redeemed once, a refresh token belongs to a grant, revoking any token of a
// grant revokes the whole grant.

import { createHash, randomBytes } from 'node:crypto';
import type { TestUser } from './users.ts';

export const ACCESS_TOKEN_LIFETIME_S = 3599;
const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Google expands the short OpenID scopes to these URLs in what it returns. */
const SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

export function normalizeScopes(scope: string): string[] {
  const scopes = scope.split(/[\s,]+/).filter(Boolean).map((s) => SCOPE_ALIASES[s] ?? s);
  return [...new Set(scopes)];
}

export interface Grant {
  clientId: string;
  user: TestUser;
  scopes: string[];
  refreshToken: string | null;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grant: Grant;
  expiresAt: number;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  user: TestUser;
  scopes: string[];
  offline: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: string;
  nonce: string | null;
  expiresAt: number;
}

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  user: TestUser;
  scopes: string[];
  offline: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
}

export interface Redemption {
  clientId: string;
  redirectUri: string;
  codeVerifier: string | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; description: string };

const fail = (error: string, description: string) => ({ ok: false, error, description }) as const;
const secret = (prefix: string) => prefix + randomBytes(32).toString('base64url');

export class TokenStore {
  private readonly _codes = new Map<string, AuthCode>();
  private readonly _access = new Map<string, AccessToken>();
  private readonly _refresh = new Map<string, Grant>();

  issueCode(request: CodeRequest): string {
    const code = secret('4/0A');
    this._codes.set(code, {
      ...request,
      codeChallengeMethod: request.codeChallengeMethod ?? 'plain',
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /** Redeems a code once; the PKCE verifier must match the challenge given at the auth page. */
  redeemCode(code: string, redemption: Redemption): Outcome<{ grant: Grant; nonce: string | null }> {
    const entry = this._codes.get(code);
    this._codes.delete(code);
    if (!entry || entry.expiresAt < Date.now()) return fail('invalid_grant', 'Malformed auth code.');
    if (entry.clientId !== redemption.clientId) return fail('invalid_grant', 'Unauthorized');
    if (entry.redirectUri !== redemption.redirectUri) return fail('redirect_uri_mismatch', 'Bad Request');
    if (entry.codeChallenge !== null) {
      if (!redemption.codeVerifier) return fail('invalid_grant', 'Missing code verifier.');
      const derived =
        entry.codeChallengeMethod === 'S256'
          ? createHash('sha256').update(redemption.codeVerifier).digest('base64url')
          : redemption.codeVerifier;
      if (derived !== entry.codeChallenge) return fail('invalid_grant', 'Invalid code verifier.');
    }
    const grant = this.grant(entry.clientId, entry.user, entry.scopes, entry.offline);
    return { ok: true, value: { grant, nonce: entry.nonce } };
  }

  /** A new grant, as if the user had consented; `offline` grants get a refresh token. */
  grant(clientId: string, user: TestUser, scopes: string[], offline: boolean): Grant {
    const grant: Grant = { clientId, user, scopes, refreshToken: null, revoked: false };
    if (offline) {
      grant.refreshToken = secret('1//0');
      this._refresh.set(grant.refreshToken, grant);
    }
    return grant;
  }

  issueAccessToken(grant: Grant): AccessToken {
    const access: AccessToken = {
      token: secret('ya29.'),
      grant,
      expiresAt: Date.now() + ACCESS_TOKEN_LIFETIME_S * 1000,
    };
    this._access.set(access.token, access);
    return access;
  }

  refresh(refreshToken: string, clientId: string): Outcome<Grant> {
    const grant = this._refresh.get(refreshToken);
    if (!grant || grant.revoked) return fail('invalid_grant', 'Token has been expired or revoked.');
    if (grant.clientId !== clientId) return fail('unauthorized_client', 'Unauthorized');
    return { ok: true, value: grant };
  }

  /** The access token when it is live: issued here, not expired, its grant not revoked. */
  validAccessToken(token: string): AccessToken | null {
    const access = this._access.get(token);
    return access && !access.grant.revoked && access.expiresAt > Date.now() ? access : null;
  }

  /** Revokes the grant of an access or refresh token; false when the token is unknown. */
  revoke(token: string): boolean {
    const grant = this._access.get(token)?.grant ?? this._refresh.get(token);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  expireAccessTokens(): void {
    const past = Date.now() - 1000;
    for (const access of this._access.values()) access.expiresAt = Math.min(access.expiresAt, past);
  }

  revokeAll(): void {
    for (const access of this._access.values()) access.grant.revoked = true;
    for (const grant of this._refresh.values()) grant.revoked = true;
  }
}
