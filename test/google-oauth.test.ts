// The OAuth 2.0 code flow against the Google emulator, with the real google-auth-library on both
// sides: PKCE and state bound to a short-lived cookie, offline access only to connect, minimal
// scopes, and the publisher's tokens sealed at rest.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, unseal } from '../relay/google/crypto.ts';
import { CLIENT_SECRET, CookieJar, oauthFlow, ownerIdOf, startGoogleRelay, WEB_CLIENT, type GoogleRelay } from './helpers/google.ts';

const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';

let env: GoogleRelay;

beforeAll(async () => {
  env = await startGoogleRelay();
});

afterAll(async () => {
  await env?.stop();
});

function storeFiles(): Buffer {
  const dir = env.relay.dataDir;
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('sheetcast.db')).map((f) => readFileSync(join(dir, f))));
}

function grantRow(ownerId: string): Record<string, any> | undefined {
  const db = new DatabaseSync(join(env.relay.dataDir, 'sheetcast.db'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM google_grants WHERE owner_id = ?').get(ownerId) as Record<string, any> | undefined;
  } finally {
    db.close();
  }
}

describe('starting the code flow', () => {
  it('binds state, nonce and a PKCE S256 challenge to a short-lived signed HttpOnly SameSite=Lax cookie', async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${env.relay.url}/auth/google/start`);
    expect(start.status).toBe(302);
    const auth = new URL(start.headers.get('location')!);
    expect(auth.origin + auth.pathname).toBe(`${env.google.url}/o/oauth2/v2/auth`);
    const q = auth.searchParams;
    expect(q.get('client_id')).toBe(WEB_CLIENT);
    expect(q.get('redirect_uri')).toBe(`${env.relay.url}/auth/google/callback`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    const cookie = jar.seen.find((c) => c.name === 'sheetcast_oauth')!;
    expect(cookie.attributes.httponly).toBe(true);
    expect(String(cookie.attributes.samesite).toLowerCase()).toBe('lax');
    expect(cookie.attributes.path).toBe('/auth/google');
    expect(Number(cookie.attributes['max-age'])).toBeLessThanOrEqual(600);
    // Neither the verifier nor the state is readable without the server's key: the cookie is signed.
    expect(cookie.value).toContain('.');
  });

  it('asks viewers for openid and email only, online, letting them choose the account', async () => {
    const start = await fetch(`${env.relay.url}/auth/google/start?purpose=signin`, { redirect: 'manual' });
    const q = new URL(start.headers.get('location')!).searchParams;
    expect(q.get('scope')!.split(' ').sort()).toEqual(['email', 'openid']);
    expect(q.get('access_type')).toBe('online');
    expect(q.get('prompt')).toBe('select_account');
  });

  it('asks a publisher who connects for drive.file alone, offline, with consent (so a refresh token comes back)', async () => {
    const start = await fetch(`${env.relay.url}/auth/google/start?purpose=connect`, { redirect: 'manual' });
    const q = new URL(start.headers.get('location')!).searchParams;
    expect(q.get('scope')!.split(' ').sort()).toEqual([DRIVE_FILE, 'email', 'openid'].sort());
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
  });

  it('refuses a return address on another origin', async () => {
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const start = await fetch(`${env.relay.url}/auth/google/start?return=${encodeURIComponent(bad)}`, { redirect: 'manual' });
      expect(start.status).toBe(400);
    }
  });
});

describe('the callback', () => {
  it('stores the connected publisher\'s refresh token encrypted: the store holds no plaintext token', async () => {
    const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com' });
    expect(flow.callback.status).toBe(200);
    const row = grantRow(ownerIdOf('alice@example.com'))!;
    expect(row.email).toBe('alice@example.com');
    expect(JSON.parse(row.scopes)).toContain(DRIVE_FILE);
    // The emulator's tokens start like Google's: refresh `1//0…`, access `ya29.…`.
    const bytes = storeFiles().toString('latin1');
    expect(bytes).not.toContain('1//0');
    expect(bytes).not.toContain('ya29.');
    expect(row.sealed_refresh_token).toMatch(/^v1\./);
    // Sealed with AES-256-GCM under SHEETCAST_SECRET_KEY: it opens with the key and is Google's real token.
    const refreshToken = unseal(deriveKeys(env.secretKey).tokens, row.sealed_refresh_token, `refresh:${row.owner_id}`);
    const client = new OAuth2Client({ clientId: WEB_CLIENT, clientSecret: CLIENT_SECRET, endpoints: env.google.endpoints });
    client.setCredentials({ refresh_token: refreshToken });
    expect((await client.getAccessToken()).token).toMatch(/^ya29\./);
    // Bound to its row: the same blob does not open as another owner's.
    expect(() => unseal(deriveKeys(env.secretKey).tokens, row.sealed_refresh_token, 'refresh:google:someone-else')).toThrow();
  });

  it('signs the viewer in with a signed HttpOnly SameSite=Lax session cookie, not Secure over plain http', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'bob@example.com' });
    expect(flow.callback.status).toBe(200);
    const session = flow.jar.seen.find((c) => c.name === 'sheetcast_session')!;
    expect(session.attributes.httponly).toBe(true);
    expect(String(session.attributes.samesite).toLowerCase()).toBe('lax');
    expect(session.attributes.secure).toBeUndefined();
    expect(session.attributes.path).toBe('/');
    const me = await (await flow.jar.fetch(`${env.relay.url}/auth/google/session`)).json();
    expect(me).toEqual({ email: 'bob@example.com', connected: false });
    // A viewer's sign-in grants the relay nothing of their Drive.
    expect(grantRow(ownerIdOf('bob@example.com'))).toBeUndefined();
  });

  it('closes itself and tells its opener the result, with no email or token in the message', async () => {
    const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com' });
    const csp = flow.callback.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'sha256-");
    expect(flow.body).toContain('window.opener.postMessage');
    expect(flow.body).toContain('window.close()');
    const json = /<script type="application\/json" id="result">(.*?)<\/script>/.exec(flow.body)![1]!;
    expect(JSON.parse(json)).toEqual({ source: 'sheetcast', type: 'google-auth', ok: true, purpose: 'connect' });
    expect(json).not.toContain('@');
  });

  it('goes back to the page that asked for sign-in', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'bob@example.com', returnTo: '/view/abc' });
    expect(flow.callback.status).toBe(303);
    expect(flow.callback.headers.get('location')).toBe('/view/abc');
  });

  it('refuses a state that does not match the cookie, and signs nobody in', async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${env.relay.url}/auth/google/start?purpose=connect&login_hint=carol@example.org`);
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    back.searchParams.set('state', 'forged-state-forged-state-forged-state');
    const callback = await jar.fetch(back.href);
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('"error":"invalid_state"');
    expect(jar.cookies.has('sheetcast_session')).toBe(false);
    expect(grantRow(ownerIdOf('carol@example.org'))).toBeUndefined();
  });

  it('refuses a callback without the state cookie (a code delivered to another browser)', async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${env.relay.url}/auth/google/start?purpose=connect&login_hint=carol@example.org`);
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const elsewhere = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.getSetCookie().some((c) => c.startsWith('sheetcast_session='))).toBe(false);
  });

  it('tells the opener when the person denies consent', async () => {
    env.google.setConsent('deny');
    try {
      const flow = await oauthFlow(env.relay, { purpose: 'connect' });
      expect(flow.callback.status).toBe(400);
      expect(flow.body).toContain('"error":"access_denied"');
      expect(flow.jar.cookies.has('sheetcast_session')).toBe(false);
    } finally {
      env.google.setConsent('auto');
    }
  });

  it('clears the session on sign-out', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'bob@example.com' });
    const out = await flow.jar.fetch(`${env.relay.url}/auth/google/signout`, { method: 'POST' });
    expect(out.status).toBe(204);
    expect(await (await flow.jar.fetch(`${env.relay.url}/auth/google/session`)).json()).toEqual({ email: null, connected: false });
  });
});

describe('in production (PUBLIC_URL is https)', () => {
  let prod: GoogleRelay;

  beforeAll(async () => {
    prod = await startGoogleRelay({ env: { PUBLIC_URL: 'https://sheets.example.com' } });
  });

  afterAll(async () => {
    await prod?.stop();
  });

  it('makes the session cookie Secure and __Host- prefixed, and sends Google the https redirect URI', async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${prod.relay.url}/auth/google/start?login_hint=bob@example.com`);
    const auth = new URL(start.headers.get('location')!);
    expect(auth.searchParams.get('redirect_uri')).toBe('https://sheets.example.com/auth/google/callback');
    expect(jar.seen.find((c) => c.name === 'sheetcast_oauth')!.attributes.secure).toBe(true);
    const consent = await fetch(auth, { redirect: 'manual' });
    // The TLS proxy in front of the relay: the same path and query, reached on the relay's own port.
    const back = new URL(consent.headers.get('location')!);
    expect(back.origin).toBe('https://sheets.example.com');
    const callback = await jar.fetch(`${prod.relay.url}${back.pathname}${back.search}`);
    expect(callback.status).toBe(200);
    const session = jar.seen.find((c) => c.name === '__Host-sheetcast_session')!;
    expect(session.attributes.secure).toBe(true);
    expect(session.attributes.httponly).toBe(true);
    expect(session.attributes.path).toBe('/');
    expect(session.attributes.domain).toBeUndefined();
  });
});
