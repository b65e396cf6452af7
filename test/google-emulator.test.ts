// The Google emulator speaks Google's paths well enough for Google's own clients:
// google-auth-library, @googleapis/sheets and @googleapis/drive, unmodified, pointed at it.

import { spawn } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drive } from '@googleapis/drive';
import { sheets } from '@googleapis/sheets';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulator/google/index.ts';
import { eventually } from './helpers/eventually.ts';

const WEB_CLIENT = 'sheetcast-web.apps.googleusercontent.com';
const ADDON_CLIENT = 'sheetcast-addon.apps.googleusercontent.com';
const SECRET = 'emulator-secret';
const REDIRECT = 'http://127.0.0.1:9/auth/google/callback';
const SHEETS_READONLY = 'https://www.googleapis.com/auth/spreadsheets.readonly';
const DRIVE_READONLY = 'https://www.googleapis.com/auth/drive.readonly';

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator({ clientIds: [WEB_CLIENT, ADDON_CLIENT], clientSecret: SECRET, notificationDelayMs: 50 });
});

afterAll(async () => {
  await emulator?.close();
});

function verifier(): OAuth2Client {
  return new OAuth2Client({ endpoints: emulator.endpoints });
}

function webClient(options: { forceRefreshOnFailure?: boolean } = {}): OAuth2Client {
  return new OAuth2Client({ clientId: WEB_CLIENT, clientSecret: SECRET, redirectUri: REDIRECT, endpoints: emulator.endpoints, ...options });
}

function authorizedClient(scopes: string[]): OAuth2Client {
  const client = webClient();
  const issued = emulator.issueTokens({ email: 'alice@example.com', clientId: WEB_CLIENT, scopes });
  client.setCredentials({ access_token: issued.accessToken, expiry_date: Date.now() + issued.expiresIn * 1000 });
  return client;
}

const alice = { sub: '100000000000000000001', email: 'alice@example.com', aud: ADDON_CLIENT };

/** Runs the consent redirect the way a browser would and returns the callback's query. */
async function consent(authUrl: string): Promise<URLSearchParams> {
  const response = await fetch(authUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(REDIRECT);
  return location.searchParams;
}

async function codeFlow(client: OAuth2Client, options: { offline: boolean; loginHint?: string; scope?: string[] }) {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: options.offline ? 'offline' : 'online',
    scope: options.scope ?? ['openid', 'email', SHEETS_READONLY],
    state: 'state-123',
    code_challenge_method: CodeChallengeMethod.S256,
    code_challenge: codeChallenge,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  const query = await consent(url);
  expect(query.get('state')).toBe('state-123');
  const { tokens } = await client.getToken({ code: query.get('code') ?? '', codeVerifier });
  client.setCredentials(tokens);
  return tokens;
}

describe('ID tokens and signing keys', () => {
  it('publishes its keys as PEM certificates with a max-age, and the same keys as JWKs', async () => {
    const pem = await fetch(`${emulator.url}/oauth2/v1/certs`);
    expect(pem.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    const certificates = (await pem.json()) as Record<string, string>;
    const { keys } = (await (await fetch(`${emulator.url}/oauth2/v3/certs`)).json()) as { keys: Array<{ kid: string; alg: string }> };
    expect(keys.map((k) => k.kid).sort()).toEqual(Object.keys(certificates).sort());
    for (const jwk of keys) {
      const certificate = new X509Certificate(certificates[jwk.kid]!);
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      expect(createPublicKey({ key: jwk as never, format: 'jwk' }).equals(certificate.publicKey)).toBe(true);
      expect(jwk.alg).toBe('RS256');
    }
  });

  it('signs ID tokens that google-auth-library verifies for their audience', async () => {
    const ticket = await verifier().verifyIdToken({ idToken: emulator.idToken(alice), audience: [WEB_CLIENT, ADDON_CLIENT] });
    expect(ticket.getPayload()).toMatchObject({ iss: 'https://accounts.google.com', sub: alice.sub, email: alice.email, email_verified: true, aud: ADDON_CLIENT, azp: ADDON_CLIENT });
  });

  it('carries email_verified false when asked', async () => {
    const ticket = await verifier().verifyIdToken({ idToken: emulator.idToken({ ...alice, emailVerified: false }), audience: ADDON_CLIENT });
    expect(ticket.getPayload()?.email_verified).toBe(false);
  });

  it('makes forged tokens that carry a published kid but fail the signature check', async () => {
    await expect(verifier().verifyIdToken({ idToken: emulator.forgedIdToken(alice), audience: ADDON_CLIENT })).rejects.toThrow(/Invalid token signature/);
  });

  it('makes expired tokens that are rejected (beyond the verifier\'s five-minute clock skew)', async () => {
    const idToken = emulator.idToken({ ...alice, expiresInSeconds: -600 });
    await expect(verifier().verifyIdToken({ idToken, audience: ADDON_CLIENT })).rejects.toThrow(/Token used too late/);
  });

  it('makes tokens for another audience or issuer that are rejected', async () => {
    await expect(verifier().verifyIdToken({ idToken: emulator.idToken({ ...alice, aud: 'someone-else' }), audience: ADDON_CLIENT })).rejects.toThrow(/Wrong recipient/);
    await expect(verifier().verifyIdToken({ idToken: emulator.idToken({ ...alice, issuer: 'https://evil.example' }), audience: ADDON_CLIENT })).rejects.toThrow(/Invalid issuer/);
  });

  it('keeps verifying a token signed just before a key rotation, for clients that fetch the certs again', async () => {
    const before = emulator.idToken(alice);
    emulator.rotateKeys();
    const after = emulator.idToken(alice);
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid).not.toBe(JSON.parse(Buffer.from(before.split('.')[0]!, 'base64url').toString()).kid);
    const fresh = verifier();
    await expect(fresh.verifyIdToken({ idToken: before, audience: ADDON_CLIENT })).resolves.toBeTruthy();
    await expect(fresh.verifyIdToken({ idToken: after, audience: ADDON_CLIENT })).resolves.toBeTruthy();
  });

  it('publishes the next key before it signs, so a client with cached certs verifies tokens signed after a rotation', async () => {
    const cached = verifier();
    await cached.verifyIdToken({ idToken: emulator.idToken(alice), audience: ADDON_CLIENT });
    const kidsBefore = Object.keys(((await cached.getFederatedSignonCertsAsync()).certs));
    emulator.rotateKeys();
    const after = emulator.idToken(alice);
    // The certs are still served from the client's cache (max-age), yet the new token verifies.
    expect(Object.keys((await cached.getFederatedSignonCertsAsync()).certs)).toEqual(kidsBefore);
    await expect(cached.verifyIdToken({ idToken: after, audience: ADDON_CLIENT })).resolves.toBeTruthy();
  });

  it('rotates its keys on a timer when asked to', async () => {
    const rotating = await startGoogleEmulator({ keyRotationMs: 50 });
    try {
      const kids = async () => Object.keys((await (await fetch(`${rotating.url}/oauth2/v1/certs`)).json()) as object).sort().join();
      const first = await kids();
      await eventually(async () => expect(await kids()).not.toBe(first));
    } finally {
      await rotating.close();
    }
  });

  it('retires a key two rotations after it stopped signing', async () => {
    const old = emulator.idToken(alice);
    emulator.rotateKeys();
    emulator.rotateKeys();
    await expect(verifier().verifyIdToken({ idToken: old, audience: ADDON_CLIENT })).rejects.toThrow(/No pem found/);
  });
});

describe('OAuth 2.0 code flow', () => {
  it('consents as the login_hint user and exchanges the code with its PKCE verifier for tokens and an ID token', async () => {
    const client = webClient();
    const tokens = await codeFlow(client, { offline: true, loginHint: 'bob@example.com' });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'https://www.googleapis.com/auth/userinfo.email', SHEETS_READONLY]));
    const ticket = await verifier().verifyIdToken({ idToken: tokens.id_token ?? '', audience: WEB_CLIENT });
    expect(ticket.getPayload()?.email).toBe('bob@example.com');
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    expect(info).toMatchObject({ email: 'bob@example.com', aud: WEB_CLIENT });
    expect(info.scopes).toContain(SHEETS_READONLY);
    const userinfo = await fetch(`${emulator.url}/oauth2/v3/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ sub: ticket.getUserId(), email: 'bob@example.com', email_verified: true });
  });

  it('gives no refresh token without access_type=offline', async () => {
    const tokens = await codeFlow(webClient(), { offline: false });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refuses a code redeemed with the wrong verifier, and a code redeemed twice', async () => {
    const client = webClient();
    const { codeChallenge, codeVerifier } = await client.generateCodeVerifierAsync();
    const authUrl = () => client.generateAuthUrl({ scope: ['openid'], code_challenge_method: CodeChallengeMethod.S256, code_challenge: codeChallenge });
    const wrong = (await consent(authUrl())).get('code') ?? '';
    await expect(client.getToken({ code: wrong, codeVerifier: `${codeVerifier}x` })).rejects.toThrow(/invalid_grant/);
    const code = (await consent(authUrl())).get('code') ?? '';
    await client.getToken({ code, codeVerifier });
    await expect(client.getToken({ code, codeVerifier })).rejects.toThrow(/invalid_grant/);
  });

  it('refuses an unknown client id and a wrong client secret', async () => {
    const page = await fetch(webClient().generateAuthUrl({ scope: ['openid'], client_id: 'unknown-client' }), { redirect: 'manual' });
    expect(page.status).toBe(401);
    const wrongSecret = new OAuth2Client({ clientId: WEB_CLIENT, clientSecret: 'nope', redirectUri: REDIRECT, endpoints: emulator.endpoints });
    const code = (await consent(wrongSecret.generateAuthUrl({ scope: ['openid'] }))).get('code') ?? '';
    await expect(wrongSecret.getToken(code)).rejects.toThrow(/invalid_client/);
  });

  it('refreshes the access token after expireAccessTokens()', async () => {
    const client = webClient({ forceRefreshOnFailure: true });
    const tokens = await codeFlow(client, { offline: true });
    emulator.expireAccessTokens();
    const stale = await fetch(`${emulator.url}/tokeninfo?access_token=${tokens.access_token}`);
    expect(stale.status).toBe(400);
    const api = sheets({ version: 'v4', rootUrl: `${emulator.url}/`, auth: client as never });
    emulator.spreadsheet('refresh-sheet').setValue('Sheet1', 'A1', 'fresh');
    const response = await api.spreadsheets.values.get({ spreadsheetId: 'refresh-sheet', range: 'A1' });
    expect(response.data.values).toEqual([['fresh']]);
    expect(client.credentials.access_token).not.toBe(tokens.access_token);
  });

  it('fails refreshes with invalid_grant once the grant is revoked, by revokeToken or revokeAll()', async () => {
    const revoked = webClient();
    await codeFlow(revoked, { offline: true });
    await revoked.revokeToken(revoked.credentials.access_token ?? '');
    await expect(revoked.refreshAccessToken()).rejects.toThrow(/invalid_grant/);

    const client = webClient();
    await codeFlow(client, { offline: true });
    await expect(client.refreshAccessToken()).resolves.toBeTruthy();
    emulator.revokeAll();
    await expect(client.refreshAccessToken()).rejects.toThrow(/invalid_grant/);
  });

  it('answers access_denied in deny mode', async () => {
    emulator.setConsent('deny');
    try {
      const denied = await consent(webClient().generateAuthUrl({ scope: ['openid'], state: 's-deny' }));
      expect(Object.fromEntries(denied)).toEqual({ error: 'access_denied', state: 's-deny' });
    } finally {
      emulator.setConsent('auto');
    }
  });

  it('serves OpenID discovery pointing at itself, and tokeninfo for its ID tokens only', async () => {
    const discovery = (await (await fetch(`${emulator.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: 'https://accounts.google.com', token_endpoint: `${emulator.url}/token`, jwks_uri: `${emulator.url}/oauth2/v3/certs` });
    const info = await fetch(`${emulator.url}/tokeninfo?id_token=${emulator.idToken(alice)}`);
    expect(await info.json()).toMatchObject({ email: alice.email, aud: ADDON_CLIENT, email_verified: 'true' });
    const forged = await fetch(`${emulator.url}/tokeninfo?id_token=${emulator.forgedIdToken(alice)}`);
    expect(forged.status).toBe(400);
  });

  it('shows one button per test user in page mode, and answers access_denied when the user cancels', async () => {
    emulator.setConsent('page');
    try {
      const client = webClient();
      const url = client.generateAuthUrl({ scope: ['openid', 'email'], state: 's-page' });
      const page = await (await fetch(url)).text();
      for (const user of emulator.users()) expect(page).toContain(user.email);
      const links = [...page.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&#38;/g, '&'), emulator.url).toString());
      const carol = await consent(links.find((l) => l.includes('carol%40example.org'))!);
      const { tokens } = await client.getToken(carol.get('code') ?? '');
      expect((await verifier().verifyIdToken({ idToken: tokens.id_token ?? '', audience: WEB_CLIENT })).getPayload()?.email).toBe('carol@example.org');
      const denied = await consent(links.find((l) => l.includes('emulator_deny'))!);
      expect(Object.fromEntries(denied)).toEqual({ error: 'access_denied', state: 's-page' });
    } finally {
      emulator.setConsent('auto');
    }
  });
});

describe('Sheets v4', () => {
  beforeAll(() => {
    const spreadsheet = emulator.spreadsheet('scores', 'Scores');
    spreadsheet.setValues('Sheet1', 'A1:C4', [
      ['Team', 'Score', 'Note'],
      ['Red', 3, ''],
      ['', '', ''],
      ['Blue', 4.5, true],
    ]);
    spreadsheet.addSheet('Team B', { rows: 10, columns: 5 });
    spreadsheet.setValues('Team B', 'B2', [['x']]);
  });

  const api = () => sheets({ version: 'v4', rootUrl: `${emulator.url}/`, auth: authorizedClient([SHEETS_READONLY]) as never });

  it('answers batchGet with Google\'s value ranges: formatted strings, ragged rows, trailing empty rows and columns left out', async () => {
    const response = await api().spreadsheets.values.batchGet({
      spreadsheetId: 'scores',
      ranges: ['Sheet1!A1:E10', "'Team B'!A1:C3", 'Sheet1!D1:E2'],
      valueRenderOption: 'FORMATTED_VALUE',
    });
    expect(response.data).toEqual({
      spreadsheetId: 'scores',
      valueRanges: [
        { range: 'Sheet1!A1:E10', majorDimension: 'ROWS', values: [['Team', 'Score', 'Note'], ['Red', '3'], [], ['Blue', '4.5', 'TRUE']] },
        { range: "'Team B'!A1:C3", majorDimension: 'ROWS', values: [[], ['', 'x']] },
        { range: 'Sheet1!D1:E2', majorDimension: 'ROWS' },
      ],
    });
  });

  it('reads a whole sheet, a range on the first sheet, open ranges and columns-major', async () => {
    const whole = await api().spreadsheets.values.get({ spreadsheetId: 'scores', range: 'Team B' });
    expect(whole.data).toEqual({ range: "'Team B'!A1:E10", majorDimension: 'ROWS', values: [[], ['', 'x']] });
    const first = await api().spreadsheets.values.get({ spreadsheetId: 'scores', range: '$B$1:B4' });
    expect(first.data).toEqual({ range: 'Sheet1!B1:B4', majorDimension: 'ROWS', values: [['Score'], ['3'], [], ['4.5']] });
    const columns = await api().spreadsheets.values.get({ spreadsheetId: 'scores', range: 'Sheet1!A:B', majorDimension: 'COLUMNS' });
    expect(columns.data).toEqual({ range: 'Sheet1!A1:B1000', majorDimension: 'COLUMNS', values: [['Team', 'Red', '', 'Blue'], ['Score', '3', '', '4.5']] });
    const raw = await api().spreadsheets.values.get({ spreadsheetId: 'scores', range: 'Sheet1!B2', valueRenderOption: 'UNFORMATTED_VALUE' });
    expect(raw.data.values).toEqual([[3]]);
  });

  it('serves the spreadsheet\'s sheets and grid sizes through spreadsheets.get', async () => {
    const response = await api().spreadsheets.get({ spreadsheetId: 'scores' });
    expect(response.data.properties?.title).toBe('Scores');
    expect(response.data.sheets?.map((s) => [s.properties?.title, s.properties?.gridProperties?.rowCount])).toEqual([['Sheet1', 1000], ['Team B', 10]]);
  });

  it('sees edits made through the emulator at once', async () => {
    emulator.spreadsheet('scores').setValue('Team B', 'C3', 'later');
    const response = await api().spreadsheets.values.get({ spreadsheetId: 'scores', range: "'Team B'!C3" });
    expect(response.data.values).toEqual([['later']]);
  });

  it('answers Google\'s error shape: 401 without a live token, 403 without a Sheets scope, 404 for an unknown spreadsheet, 400 past the grid', async () => {
    const anonymous = await fetch(`${emulator.url}/v4/spreadsheets/scores/values/A1`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 401, message: expect.any(String), status: 'UNAUTHENTICATED' } });
    const bogus = await fetch(`${emulator.url}/v4/spreadsheets/scores/values/A1`, { headers: { authorization: 'Bearer ya29.bogus' } });
    expect(bogus.status).toBe(401);

    const noScope = sheets({ version: 'v4', rootUrl: `${emulator.url}/`, auth: authorizedClient(['openid', 'email']) as never });
    await expect(noScope.spreadsheets.values.get({ spreadsheetId: 'scores', range: 'A1' })).rejects.toMatchObject({ status: 403 });

    const missing = await fetch(`${emulator.url}/v4/spreadsheets/nope/values/A1`, { headers: { authorization: `Bearer ${emulator.issueTokens({ email: 'alice@example.com', clientId: WEB_CLIENT, scopes: [SHEETS_READONLY] }).accessToken}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });

    await expect(api().spreadsheets.values.get({ spreadsheetId: 'scores', range: "'Team B'!A1:Z99" })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/exceeds grid limits/) });
    await expect(api().spreadsheets.values.get({ spreadsheetId: 'scores', range: 'Nope!A1' })).rejects.toMatchObject({ status: 400, message: 'Unable to parse range: Nope!A1' });
    expect((await fetch(`${emulator.url}/v4/spreadsheets/scores/values/%E0%A4%A`)).status).toBe(400);
  });

  it('answers 403 to an account the spreadsheet is not shared with', async () => {
    const spreadsheet = emulator.spreadsheet('private');
    spreadsheet.setValue('Sheet1', 'A1', 'secret');
    spreadsheet.shareWith(['bob@example.com']);
    await expect(api().spreadsheets.values.get({ spreadsheetId: 'private', range: 'A1' })).rejects.toMatchObject({ status: 403, message: 'The caller does not have permission' });
    const bob = webClient();
    bob.setCredentials({ access_token: emulator.issueTokens({ email: 'bob@example.com', clientId: WEB_CLIENT, scopes: [SHEETS_READONLY] }).accessToken });
    const response = await sheets({ version: 'v4', rootUrl: `${emulator.url}/`, auth: bob as never }).spreadsheets.values.get({ spreadsheetId: 'private', range: 'A1' });
    expect(response.data.values).toEqual([['secret']]);
  });
});

interface Notification {
  headers: IncomingHttpHeaders;
}

describe('Drive v3 push notifications', () => {
  let receiver: Server;
  let address: string;
  const received: Notification[] = [];
  const forChannel = (id: string) => received.filter((n) => n.headers['x-goog-channel-id'] === id);
  const nth = (id: string, index: number) => {
    const notification = forChannel(id)[index];
    if (!notification) throw new Error(`notification ${index + 1} of ${id} not received yet`);
    return notification;
  };
  const api = () => drive({ version: 'v3', rootUrl: `${emulator.url}/`, auth: authorizedClient([DRIVE_READONLY]) as never });

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push({ headers: request.headers });
      response.writeHead(200).end();
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/drive`;
    emulator.spreadsheet('watched');
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('answers files.watch with a channel and POSTs sync, then one update for edits made together, with the channel token', async () => {
    const expiration = Date.now() + 600_000;
    const channel = await api().files.watch({ fileId: 'watched', requestBody: { id: 'channel-1', type: 'web_hook', address, token: 'doc=42', expiration: String(expiration) } });
    expect(channel.data).toMatchObject({ kind: 'api#channel', id: 'channel-1', resourceId: expect.any(String), resourceUri: expect.stringContaining('/drive/v3/files/watched'), expiration: String(expiration) });

    const sync = await eventually(() => nth('channel-1', 0));
    expect(sync.headers).toMatchObject({
      'x-goog-resource-state': 'sync',
      'x-goog-channel-token': 'doc=42',
      'x-goog-message-number': '1',
      'x-goog-resource-id': channel.data.resourceId,
      'x-goog-resource-uri': channel.data.resourceUri,
      'x-goog-channel-expiration': new Date(expiration).toUTCString(),
    });

    const spreadsheet = emulator.spreadsheet('watched');
    spreadsheet.setValue('Sheet1', 'A1', 'one');
    spreadsheet.setValue('Sheet1', 'A2', 'two');
    spreadsheet.setValue('Sheet1', 'A3', 'three');
    const update = await eventually(() => nth('channel-1', 1));
    expect(update.headers).toMatchObject({ 'x-goog-resource-state': 'update', 'x-goog-changed': 'content', 'x-goog-channel-token': 'doc=42', 'x-goog-message-number': '2' });
    // The three edits were coalesced into that one notification.
    expect(emulator.deliveries().filter((d) => d.channelId === 'channel-1').map((d) => [d.state, d.changes])).toEqual([['sync', 0], ['update', 3]]);

    // A later edit makes the next message.
    spreadsheet.setValue('Sheet1', 'A4', 'four');
    const next = await eventually(() => nth('channel-1', 2));
    expect(next.headers['x-goog-message-number']).toBe('3');
  });

  it('stops notifying a channel after channels.stop', async () => {
    const stopped = await api().files.watch({ fileId: 'watched', requestBody: { id: 'channel-stopped', type: 'web_hook', address } });
    await api().files.watch({ fileId: 'watched', requestBody: { id: 'channel-witness', type: 'web_hook', address } });
    await eventually(() => nth('channel-stopped', 0));
    await api().channels.stop({ requestBody: { id: 'channel-stopped', resourceId: stopped.data.resourceId } });
    expect(emulator.channels().map((c) => c.id)).not.toContain('channel-stopped');

    emulator.spreadsheet('watched').setValue('Sheet1', 'B1', 'after stop');
    await eventually(() => expect(forChannel('channel-witness').map((n) => n.headers['x-goog-resource-state'])).toContain('update'));
    // Every notification of one change is sent together, so the witness's update means none went to the stopped channel.
    expect(emulator.deliveries().filter((d) => d.channelId === 'channel-stopped').map((d) => d.state)).toEqual(['sync']);
    expect(forChannel('channel-stopped').map((n) => n.headers['x-goog-resource-state'])).toEqual(['sync']);
  });

  it('refuses to watch an unknown or unshared file, a duplicate channel id, or without a Drive scope', async () => {
    await expect(api().files.watch({ fileId: 'missing', requestBody: { id: 'c-missing', type: 'web_hook', address } })).rejects.toMatchObject({ status: 404 });
    emulator.spreadsheet('not-shared').shareWith(['carol@example.org']);
    await expect(api().files.watch({ fileId: 'not-shared', requestBody: { id: 'c-private', type: 'web_hook', address } })).rejects.toMatchObject({ status: 404 });
    await expect(api().files.watch({ fileId: 'watched', requestBody: { id: 'channel-1', type: 'web_hook', address } })).rejects.toMatchObject({ status: 400 });
    const sheetsOnly = drive({ version: 'v3', rootUrl: `${emulator.url}/`, auth: authorizedClient([SHEETS_READONLY]) as never });
    await expect(sheetsOnly.files.watch({ fileId: 'watched', requestBody: { id: 'c-scope', type: 'web_hook', address } })).rejects.toMatchObject({ status: 403 });
  });
});

describe('npm run google-emulator', () => {
  it('starts on PORT and prints the base URL and how to point the relay at it', async () => {
    const child = spawn(process.execPath, ['emulator/google/server.ts'], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await eventually(() => {
        const printed = /Google emulator on (http:\S+)/.exec(output)?.[1];
        if (!printed) throw new Error(`no URL printed yet: ${output}`);
        return printed;
      });
      expect(output).toContain(`SHEETCAST_GOOGLE_BASE=${url}`);
      const certs = await fetch(`${url}/oauth2/v1/certs`);
      expect(Object.keys((await certs.json()) as object).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
