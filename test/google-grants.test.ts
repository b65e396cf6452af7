// Publishers' grants at rest: sealed with AES-256-GCM under a key derived from
// SHEETCAST_SECRET_KEY, in the real SQLite store, refreshed against the emulator's token endpoint.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulator/google/index.ts';
import { GoogleClients } from '../relay/google/clients.ts';
import { deriveKeys, seal, unseal } from '../relay/google/crypto.ts';
import { Grants, GrantUnusable } from '../relay/google/grants.ts';
import { openSqlite, type Stores } from '../relay/store/open.ts';
import { CLIENT_SECRET, WEB_CLIENT } from './helpers/google.ts';

const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';
const OWNER = 'google:1';

let google: GoogleEmulator;
let stores: Stores;
let clients: GoogleClients;

beforeAll(async () => {
  google = await startGoogleEmulator({ clientIds: [WEB_CLIENT], clientSecret: CLIENT_SECRET });
  stores = openSqlite(':memory:', { historyLimit: 10, batchIdLimit: 10 });
  clients = new GoogleClients({ clientId: WEB_CLIENT, clientSecret: CLIENT_SECRET, redirectUri: 'http://127.0.0.1:9/auth/google/callback', base: google.url });
});

afterAll(async () => {
  await stores?.store.close();
  await google?.close();
});

function issue() {
  const t = google.issueTokens({ email: 'alice@example.com', clientId: WEB_CLIENT, scopes: ['openid', 'email', DRIVE_FILE], offline: true });
  return { refresh_token: t.refreshToken!, access_token: t.accessToken, expiry_date: Date.now() + t.expiresIn * 1000, scope: `openid email ${DRIVE_FILE}` };
}

it('seals each value with a fresh nonce, and opens it only with the same key and context', () => {
  const key = deriveKeys(randomBytes(32)).tokens;
  const a = seal(key, 'secret', 'refresh:google:1');
  expect(a).not.toBe(seal(key, 'secret', 'refresh:google:1'));
  expect(unseal(key, a, 'refresh:google:1')).toBe('secret');
  expect(() => unseal(key, a, 'refresh:google:2')).toThrow();
  expect(() => unseal(deriveKeys(randomBytes(32)).tokens, a, 'refresh:google:1')).toThrow();
  const [v, nonce, body, tag] = a.split('.');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0]! ^= 1;
  expect(() => unseal(key, [v, nonce, flipped.toString('base64url'), tag].join('.'), 'refresh:google:1')).toThrow();
});

it('derives different keys for tokens and cookies from the one secret key', () => {
  const keys = deriveKeys(randomBytes(32));
  expect(keys.tokens.equals(keys.cookies)).toBe(false);
  expect(keys.tokens).toHaveLength(32);
});

it('stores no plaintext token, and gives a client that calls Google with the stored one', async () => {
  const grants = new Grants(stores.googleRecords, clients, deriveKeys(randomBytes(32)).tokens);
  const tokens = issue();
  await grants.save(OWNER, 'alice@example.com', tokens);
  const row = (await stores.googleRecords.getGoogleGrant(OWNER))!;
  expect(JSON.stringify(row)).not.toContain(tokens.refresh_token);
  expect(JSON.stringify(row)).not.toContain(tokens.access_token);
  const client = await grants.authorized(OWNER);
  expect((await client.getAccessToken()).token).toBe(tokens.access_token);
});

it('keeps the stored refresh token when Google sends none on a later consent, and refuses a first grant without one', async () => {
  const grants = new Grants(stores.googleRecords, clients, deriveKeys(randomBytes(32)).tokens);
  const first = issue();
  await grants.save(OWNER, 'alice@example.com', first);
  const { refresh_token: _, ...second } = issue();
  await grants.save(OWNER, 'alice@example.com', second);
  google.expireAccessTokens();
  const client = await grants.authorized(OWNER);
  client.setCredentials({ ...client.credentials, expiry_date: Date.now() - 1000 });
  expect((await client.getAccessToken()).token).toMatch(/^ya29\./);
  const { refresh_token: __, ...none } = issue();
  await expect(grants.save('google:new', 'bob@example.com', none)).rejects.toBeInstanceOf(GrantUnusable);
});

it('says a grant sealed under another secret key needs reconnecting, rather than failing obscurely', async () => {
  await new Grants(stores.googleRecords, clients, deriveKeys(randomBytes(32)).tokens).save(OWNER, 'alice@example.com', issue());
  const otherKey = new Grants(stores.googleRecords, clients, deriveKeys(randomBytes(32)).tokens);
  await expect(otherKey.authorized(OWNER)).rejects.toThrow(/connect again/);
  await expect(otherKey.authorized(OWNER)).rejects.toBeInstanceOf(GrantUnusable);
});
