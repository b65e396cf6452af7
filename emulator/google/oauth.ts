// Google's sign-in and OAuth 2.0 endpoints: the consent page, the token endpoint (authorization
// code with PKCE, refresh token), revoke, tokeninfo, userinfo, the signing certificates and the
// OpenID discovery document.

import { createHash, verify } from 'node:crypto';
import { apiError, escapeHtml, html, json, oauthError, redirect, type EmulatorRequest, type Reply, type Route } from './http.ts';
import { decodeJwtSegment, signJwt, type KeySet } from './keys.ts';
import { ACCESS_TOKEN_LIFETIME_S, normalizeScopes, type AccessToken, type Grant, type TokenStore } from './tokens.ts';
import type { TestUser, Users } from './users.ts';

export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface IdTokenClaims {
  sub: string;
  email: string;
  aud: string;
  emailVerified?: boolean;
  /** Lifetime from now; negative makes a token that has already expired. Default 3600. */
  expiresInSeconds?: number;
  issuer?: string;
  azp?: string;
  name?: string;
  nonce?: string;
}

/**
 * How the consent page answers: `auto` consents at once as the `login_hint` user (created if new)
 * or the default user; `page` shows one button per test user; `deny` answers `access_denied`.
 */
export type ConsentMode = 'auto' | 'page' | 'deny';

export interface OAuthContext {
  keys: KeySet;
  users: Users;
  tokens: TokenStore;
  /** Allowed OAuth client ids; any client id is accepted when empty. */
  clientIds: string[];
  /** When set, the token endpoint requires this client secret. */
  clientSecret: string | null;
  consent: { mode: ConsentMode; defaultUser: string };
  certsMaxAgeSeconds: number;
  baseUrl(): string;
}

export function idTokenPayload(claims: IdTokenClaims, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = claims.expiresInSeconds ?? 3600;
  const exp = now + lifetime;
  return {
    iss: claims.issuer ?? GOOGLE_ISSUER,
    azp: claims.azp ?? claims.aud,
    aud: claims.aud,
    sub: claims.sub,
    email: claims.email,
    email_verified: claims.emailVerified ?? true,
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
    ...(claims.name === undefined ? {} : { name: claims.name }),
    ...extra,
    iat: lifetime > 0 ? now : exp - 3600,
    exp,
  };
}

/** Google's OpenID `at_hash`: the left half of the access token's SHA-256, base64url. */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

function userIdToken(context: OAuthContext, grant: Grant, access: AccessToken, nonce: string | null): string {
  const claims: IdTokenClaims = { sub: grant.user.sub, email: grant.user.email, aud: grant.clientId, emailVerified: grant.user.emailVerified, name: grant.user.name };
  if (nonce !== null) claims.nonce = nonce;
  return signJwt(idTokenPayload(claims, { at_hash: atHash(access.token) }), context.keys.current);
}

/** Checks the bearer access token of an API call and its scopes; a Reply is the error to send. */
export function requireAccess(request: EmulatorRequest, tokens: TokenStore, anyOfScopes: string[]): AccessToken | Reply {
  const challenge = { 'www-authenticate': `Bearer realm="${GOOGLE_ISSUER}/", error="invalid_token"` };
  if (!request.bearer) {
    return { ...apiError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'), headers: challenge };
  }
  const access = tokens.validAccessToken(request.bearer);
  if (!access) {
    return { ...apiError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'), headers: challenge };
  }
  if (!anyOfScopes.some((scope) => access.grant.scopes.includes(scope))) {
    return apiError(403, 'Request had insufficient authentication scopes.', { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' }] });
  }
  return access;
}

function errorPage(status: number, error: string, description: string): Reply {
  return html(status, `<!doctype html><title>Error ${status}: ${escapeHtml(error)}</title><h1>Access blocked</h1><p>Error ${status}: ${escapeHtml(error)}</p><p>${escapeHtml(description)}</p>`);
}

function consentPage(request: EmulatorRequest, users: TestUser[], clientId: string): Reply {
  const link = (extra: Record<string, string>) => {
    const query = new URLSearchParams(request.url.searchParams);
    for (const [key, value] of Object.entries(extra)) query.set(key, value);
    return escapeHtml(`${request.url.pathname}?${query}`);
  };
  const buttons = users
    .map((u) => `<li><a class="account" href="${link({ emulator_user: u.email })}"><b>${escapeHtml(u.name)}</b> ${escapeHtml(u.email)}</a></li>`)
    .join('');
  return html(200, `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in – Google Accounts (emulator)</title>
<style>body{font:16px system-ui;max-width:28rem;margin:3rem auto;padding:0 1rem}ul{list-style:none;padding:0}
.account{display:block;padding:.8rem;margin:.4rem 0;border:1px solid #ccc;border-radius:8px;text-decoration:none;color:inherit}
.account:hover{background:#f1f3f4}</style>
<h1>Choose an account</h1><p>to continue to <code>${escapeHtml(clientId)}</code></p>
<p>Scopes: <code>${escapeHtml(request.params.get('scope') ?? '')}</code></p>
<ul>${buttons}</ul><p><a href="${link({ emulator_deny: '1' })}">Cancel (deny access)</a></p>`);
}

function withQuery(uri: string, query: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(query)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

function authorize(context: OAuthContext, request: EmulatorRequest): Reply {
  const p = request.params;
  const clientId = p.get('client_id') ?? '';
  if (!clientId || (context.clientIds.length > 0 && !context.clientIds.includes(clientId))) {
    return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
  }
  const redirectUri = p.get('redirect_uri') ?? '';
  if (!URL.canParse(redirectUri)) return errorPage(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  const scope = p.get('scope') ?? '';
  if (!scope) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
  const challenge = p.get('code_challenge');
  const method = p.get('code_challenge_method');
  if ((method !== null && !['S256', 'plain'].includes(method)) || (method !== null && !challenge)) {
    return errorPage(400, 'invalid_request', 'Invalid code_challenge_method or missing code_challenge.');
  }
  const state = p.get('state');
  if (p.get('response_type') !== 'code') return redirect(withQuery(redirectUri, { error: 'unsupported_response_type', state }));

  let user: TestUser | null = null;
  const chosen = p.get('emulator_user');
  if (p.get('emulator_deny') || (!chosen && context.consent.mode === 'deny')) {
    return redirect(withQuery(redirectUri, { error: 'access_denied', state }));
  }
  if (chosen) user = context.users.get(chosen);
  else if (context.consent.mode === 'auto') user = context.users.get(p.get('login_hint') || context.consent.defaultUser);
  if (!user) return consentPage(request, context.users.list(), clientId);

  const scopes = normalizeScopes(scope);
  const code = context.tokens.issueCode({
    clientId,
    redirectUri,
    user,
    scopes,
    offline: p.get('access_type') === 'offline',
    codeChallenge: challenge,
    codeChallengeMethod: method,
    nonce: p.get('nonce'),
  });
  return redirect(withQuery(redirectUri, { state, code, scope: scopes.join(' '), authuser: '0', prompt: 'consent' }));
}

function clientCredentials(request: EmulatorRequest): { id: string; secret: string | null } {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
  }
  return { id: request.params.get('client_id') ?? '', secret: request.params.get('client_secret') };
}

function token(context: OAuthContext, request: EmulatorRequest): Reply {
  const p = request.params;
  const client = clientCredentials(request);
  if (!client.id || (context.clientIds.length > 0 && !context.clientIds.includes(client.id))) {
    return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  }
  if (context.clientSecret !== null && client.secret !== context.clientSecret) {
    return oauthError(401, 'invalid_client', 'Unauthorized');
  }
  const grantType = p.get('grant_type') ?? '';
  if (grantType === 'authorization_code') {
    const outcome = context.tokens.redeemCode(p.get('code') ?? '', {
      clientId: client.id,
      redirectUri: p.get('redirect_uri') ?? '',
      codeVerifier: p.get('code_verifier'),
    });
    if (!outcome.ok) return oauthError(400, outcome.error, outcome.description);
    return tokenResponse(context, outcome.value.grant, outcome.value.nonce, true);
  }
  if (grantType === 'refresh_token') {
    const outcome = context.tokens.refresh(p.get('refresh_token') ?? '', client.id);
    if (!outcome.ok) return oauthError(400, outcome.error, outcome.description);
    return tokenResponse(context, outcome.value, null, false);
  }
  return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
}

function tokenResponse(context: OAuthContext, grant: Grant, nonce: string | null, withRefreshToken: boolean): Reply {
  const access = context.tokens.issueAccessToken(grant);
  return json({
    access_token: access.token,
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ...(withRefreshToken && grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
    ...(grant.scopes.includes('openid') ? { id_token: userIdToken(context, grant, access, nonce) } : {}),
  });
}

/** Claims of an ID token signed by a published key and not expired, else null. */
function verifiedIdToken(context: OAuthContext, idToken: string): Record<string, unknown> | null {
  const [header, payload, signature] = idToken.split('.');
  if (!header || !payload || !signature) return null;
  const kid = decodeJwtSegment(header)?.kid;
  const key = context.keys.published().find((k) => k.kid === kid);
  if (!key) return null;
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), key.publicKey, Buffer.from(signature, 'base64url'));
  const claims = decodeJwtSegment(payload);
  return ok && claims && Number(claims.exp) > Date.now() / 1000 ? claims : null;
}

function tokenInfo(context: OAuthContext, request: EmulatorRequest): Reply {
  const invalid = oauthError(400, 'invalid_token', 'Invalid Value');
  const idToken = request.params.get('id_token');
  if (idToken) {
    const claims = verifiedIdToken(context, idToken);
    if (!claims) return invalid;
    return json({ ...Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, String(v)])), alg: 'RS256', typ: 'JWT' });
  }
  const access = context.tokens.validAccessToken(request.params.get('access_token') ?? request.bearer ?? '');
  if (!access) return invalid;
  const { grant } = access;
  const seconds = Math.floor((access.expiresAt - Date.now()) / 1000);
  return json({
    azp: grant.clientId,
    aud: grant.clientId,
    sub: grant.user.sub,
    scope: grant.scopes.join(' '),
    exp: String(Math.floor(access.expiresAt / 1000)),
    expires_in: String(seconds),
    email: grant.user.email,
    email_verified: String(grant.user.emailVerified),
    access_type: grant.refreshToken ? 'offline' : 'online',
  });
}

function userInfo(context: OAuthContext, request: EmulatorRequest): Reply {
  const access = requireAccess(request, context.tokens, ['openid', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile']);
  if ('status' in access) return access;
  const { user, scopes } = access.grant;
  const profile = scopes.includes('https://www.googleapis.com/auth/userinfo.profile');
  const email = scopes.includes('https://www.googleapis.com/auth/userinfo.email');
  return json({
    sub: user.sub,
    ...(profile ? { name: user.name, given_name: user.name } : {}),
    ...(email ? { email: user.email, email_verified: user.emailVerified } : {}),
  });
}

function certsHeaders(context: OAuthContext): Record<string, string> {
  const maxAge = context.certsMaxAgeSeconds;
  return {
    'cache-control': `public, max-age=${maxAge}, must-revalidate, no-transform`,
    expires: new Date(Date.now() + maxAge * 1000).toUTCString(),
  };
}

function discovery(context: OAuthContext): Reply {
  const base = context.baseUrl();
  return json({
    issuer: GOOGLE_ISSUER,
    authorization_endpoint: `${base}/o/oauth2/v2/auth`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/oauth2/v3/userinfo`,
    revocation_endpoint: `${base}/revoke`,
    jwks_uri: `${base}/oauth2/v3/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'sub', 'azp', 'nonce', 'at_hash'],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
  });
}

export function oauthRoutes(context: OAuthContext): Route[] {
  return [
    { method: 'GET', pattern: /^\/o\/oauth2\/v2\/auth$/, handle: (req) => authorize(context, req) },
    { method: 'POST', pattern: /^\/token$/, handle: (req) => token(context, req) },
    {
      method: 'POST',
      pattern: /^\/revoke$/,
      handle: (req) => (context.tokens.revoke(req.params.get('token') ?? '') ? json({}) : oauthError(400, 'invalid_token', 'Token expired or revoked')),
    },
    { method: 'GET', pattern: /^\/tokeninfo$/, handle: (req) => tokenInfo(context, req) },
    { method: 'POST', pattern: /^\/tokeninfo$/, handle: (req) => tokenInfo(context, req) },
    { method: 'GET', pattern: /^\/oauth2\/v3\/userinfo$/, handle: (req) => userInfo(context, req) },
    { method: 'GET', pattern: /^\/oauth2\/v1\/certs$/, handle: async () => json(await context.keys.pemCertificates(), certsHeaders(context)) },
    { method: 'GET', pattern: /^\/oauth2\/v3\/certs$/, handle: () => json(context.keys.jwks(), certsHeaders(context)) },
    { method: 'GET', pattern: /^\/\.well-known\/openid-configuration$/, handle: () => discovery(context) },
  ];
}
