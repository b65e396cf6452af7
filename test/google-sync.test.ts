// Server-side sync through Drive push notifications, against the Google emulator with the real
// google-auth-library, @googleapis/sheets and @googleapis/drive clients inside the relay: a
// change that fires no Apps Script trigger (an API write) still reaches every viewer.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResponse } from '../protocol/wire.ts';
import { deriveKeys, unseal } from '../relay/google/crypto.ts';
import { api, connectViewer, eventually, publishDoc, quietPeriod, snapshotOf } from './helpers/index.ts';
import { addonIdToken, CLIENT_SECRET, CookieJar, oauthFlow, ownerIdOf, startGoogleRelay, WEB_CLIENT, type GoogleRelay } from './helpers/google.ts';

const ALICE = 'alice@example.com';
/** Reads wait this long for more notifications before going to the Sheets API. */
const DEBOUNCE_MS = 400;

let env: GoogleRelay;

beforeAll(async () => {
  env = await startGoogleRelay({ env: { SHEETCAST_SYNC_DEBOUNCE_MS: String(DEBOUNCE_MS), LOG_LEVEL: 'info' } });
});

afterAll(async () => {
  await env?.stop();
});

const SCORES = [
  ['Team', 'Score', 'Updated'],
  ['Red', 1, 'noon'],
  ['Blue', 2, 'noon'],
];

/** Published from the add-on by Alice, then connected for server-side sync through the popup. */
async function connectedDoc(spreadsheetId: string): Promise<PublishResponse> {
  env.google.spreadsheet(spreadsheetId, `Sheet ${spreadsheetId}`).setValues('Sheet1', 'A1:C3', SCORES);
  const doc = await publishDoc(env.relay, { spreadsheetId, title: 'Scores' }, addonIdToken(env.google, ALICE));
  const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: ALICE, doc: doc.docId });
  expect(flow.callback.status).toBe(200);
  expect(flow.body).toContain(`"docId":"${doc.docId}"`);
  return doc;
}

function reads(doc: PublishResponse): number {
  return env.relay.output().split('\n').filter((line) => line.includes('doc read from Google') && line.includes(doc.docId)).length;
}

function syncState(doc: PublishResponse) {
  return api(env.relay, 'GET', `/v1/docs/${doc.docId}/sync`, { token: addonIdToken(env.google, ALICE) });
}

function channelOf(spreadsheetId: string) {
  const open = env.google.channels().filter((c) => c.fileId === spreadsheetId);
  expect(open).toHaveLength(1);
  return open[0]!;
}

/** A notification as Drive sends it, for the channel's real id and token unless told otherwise. */
function notify(channel: { id: string; token: string | null; resourceId: string }, state = 'update', overrides: Record<string, string | null> = {}) {
  const headers: Record<string, string> = {
    'x-goog-channel-id': channel.id,
    'x-goog-channel-token': channel.token ?? '',
    'x-goog-resource-id': channel.resourceId,
    'x-goog-resource-state': state,
    'x-goog-message-number': '99',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return fetch(`${env.relay.url}/webhooks/drive`, { method: 'POST', headers });
}

describe('connecting a doc', () => {
  it('reads the published ranges from the Sheets API at once, as the sheet shows them', async () => {
    const doc = await connectedDoc('sync-connect');
    expect((await snapshotOf(env.relay, doc.shareId)).ranges[0]!.values).toEqual([
      ['Team', 'Score', 'Updated'],
      ['Red', '1', 'noon'],
      ['Blue', '2', 'noon'],
    ]);
    const state = await syncState(doc);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ status: 'live', account: ALICE, lastError: null });
  });

  it('watches the spreadsheet with a secret channel token that the store keeps only as a hash', async () => {
    const doc = await connectedDoc('sync-watch');
    const channel = channelOf('sync-watch');
    expect(channel.address).toBe(`${env.relay.url}/webhooks/drive`);
    expect(channel.token!.length).toBeGreaterThanOrEqual(40);
    expect((await syncState(doc)).body.channelExpiresAt).toBe(channel.expiration);
    const db = new DatabaseSync(join(env.relay.dataDir, 'sheetcast.db'), { readOnly: true });
    try {
      const row = db.prepare('SELECT * FROM drive_channels WHERE channel_id = ?').get(channel.id) as Record<string, unknown>;
      expect(row.doc_id).toBe(doc.docId);
      expect(JSON.stringify(row)).not.toContain(channel.token!);
    } finally {
      db.close();
    }
  });

  it('is refused for a doc that is not the signed-in publisher\'s', async () => {
    const doc = await publishDoc(env.relay, { spreadsheetId: 'sync-other' }, addonIdToken(env.google, 'bob@example.com'));
    const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: ALICE, doc: doc.docId });
    expect(flow.callback.status).toBe(400);
    expect(flow.body).toContain('"error":"not_owner"');
    expect((await api(env.relay, 'GET', `/v1/docs/${doc.docId}/sync`, { token: addonIdToken(env.google, 'bob@example.com') })).body.status).toBe('off');
  });
});

describe('Drive notifications', () => {
  it('bring a change made in the spreadsheet (as an API write would) to a WebSocket viewer', async () => {
    const doc = await connectedDoc('sync-live');
    const viewer = await connectViewer(env.relay, doc.shareId);
    await viewer.next('snapshot');
    env.google.spreadsheet('sync-live').setValue('Sheet1', 'B2', 7);
    const delta = await viewer.next('delta');
    expect(delta.changes).toEqual([{ sheet: 'Sheet1', range: 'B2', values: [['7']] }]);
    const update = env.google.deliveries().find((d) => d.channelId === channelOf('sync-live').id && d.state === 'update')!;
    expect(update.outcome).toBe(204);
    viewer.close();
  });

  it('ignore the first `sync` message: it announces the channel, not a change', async () => {
    const doc = await connectedDoc('sync-first');
    const channel = channelOf('sync-first');
    await eventually(() => expect(env.google.deliveries().find((d) => d.channelId === channel.id && d.state === 'sync')?.outcome).toBe(204));
    // Drive's own notice of the values set up before the watch may still come: let it pass.
    await quietPeriod(DEBOUNCE_MS * 3);
    const before = reads(doc);
    expect((await notify(channel, 'sync')).status).toBe(204);
    await quietPeriod(DEBOUNCE_MS * 3);
    expect(reads(doc)).toBe(before);
  });

  it('coalesce a burst into one read of the sheet, applied as one batch', async () => {
    const doc = await connectedDoc('sync-burst');
    const channel = channelOf('sync-burst');
    const viewer = await connectViewer(env.relay, doc.shareId);
    const { seq } = await viewer.next('snapshot');
    await eventually(() => expect(reads(doc)).toBe(1));
    const sheet = env.google.spreadsheet('sync-burst');
    sheet.setValue('Sheet1', 'B2', 10);
    sheet.setValue('Sheet1', 'B3', 20);
    const answers = await Promise.all(Array.from({ length: 8 }, () => notify(channel)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(204));
    const delta = await viewer.next('delta');
    expect(delta.seq).toBe(seq + 1);
    expect(delta.changes).toEqual([{ sheet: 'Sheet1', range: 'B2:B3', values: [['10'], ['20']] }]);
    // Eight of ours and Drive's own coalesced update: at most one read more, which changes nothing.
    await quietPeriod(DEBOUNCE_MS * 3);
    expect(reads(doc)).toBeLessThanOrEqual(3);
    expect(viewer.all('delta')).toHaveLength(1);
    viewer.close();
  });

  it('are not awaited when the ranges change: the new ranges are read from the sheet at once', async () => {
    env.google.spreadsheet('sync-ranges').setValue('Sheet1', 'A4', 'Green');
    const doc = await connectedDoc('sync-ranges');
    // Whatever Drive says of the set-up comes and goes before the ranges change.
    await quietPeriod(DEBOUNCE_MS * 3);
    const viewer = await connectViewer(env.relay, doc.shareId);
    await viewer.next('snapshot');
    const patched = await api(env.relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: addonIdToken(env.google, ALICE), body: { ranges: [{ sheet: 'Sheet1', range: 'A1:C4' }] } });
    expect(patched.status).toBe(200);
    await eventually(async () => expect((await snapshotOf(env.relay, doc.shareId)).ranges[0]!.values[3]).toEqual(['Green', '', '']));
    await eventually(() => expect(JSON.stringify(viewer.frames.slice(1))).toContain('Green'));
    viewer.close();
  });

  it('refresh an expired access token with the stored refresh token and carry on', async () => {
    const doc = await connectedDoc('sync-expiry');
    const viewer = await connectViewer(env.relay, doc.shareId);
    await viewer.next('snapshot');
    const sealedBefore = sealedAccessToken(ownerIdOf(ALICE));
    env.google.expireAccessTokens();
    env.google.spreadsheet('sync-expiry').setValue('Sheet1', 'C2', 'after expiry');
    expect((await viewer.next('delta')).changes).toEqual([{ sheet: 'Sheet1', range: 'C2', values: [['after expiry']] }]);
    // The new access token was stored, sealed like the first.
    await eventually(() => expect(sealedAccessToken(ownerIdOf(ALICE))).not.toBe(sealedBefore));
    expect(sealedAccessToken(ownerIdOf(ALICE))).toMatch(/^v1\./);
    viewer.close();
  });
});

function sealedAccessToken(ownerId: string): string {
  const db = new DatabaseSync(join(env.relay.dataDir, 'sheetcast.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT sealed_access_token FROM google_grants WHERE owner_id = ?').get(ownerId) as { sealed_access_token: string }).sealed_access_token;
  } finally {
    db.close();
  }
}

describe('unpublishing', () => {
  it('stops the doc\'s Drive channel', async () => {
    const doc = await connectedDoc('sync-stop');
    const channel = channelOf('sync-stop');
    const deleted = await api(env.relay, 'DELETE', `/v1/docs/${doc.docId}`, { token: addonIdToken(env.google, ALICE) });
    expect(deleted.status).toBe(204);
    await eventually(() => expect(env.google.channels().some((c) => c.id === channel.id)).toBe(false));
    expect((await notify(channel)).status).toBe(404);
  });

  it('turning sync off stops the channel and keeps the doc published', async () => {
    const doc = await connectedDoc('sync-off');
    const off = await api(env.relay, 'DELETE', `/v1/docs/${doc.docId}/sync`, { token: addonIdToken(env.google, ALICE) });
    expect(off.status).toBe(204);
    expect(env.google.channels().some((c) => c.fileId === 'sync-off')).toBe(false);
    expect((await syncState(doc)).body.status).toBe('off');
    expect((await snapshotOf(env.relay, doc.shareId)).ranges[0]!.values[1]).toEqual(['Red', '1', 'noon']);
  });
});

describe('publishing from the web alone', () => {
  it('signs in, takes a pasted sheet URL and a range, and stays live without the add-on', async () => {
    const sheet = env.google.spreadsheet('web-only', 'Queue at the desk');
    sheet.addSheet('Tickets');
    sheet.setValues('Tickets', 'A1:B2', [['Now serving', 41], ['Next', 42]]);
    const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'carol@example.org' });
    const page = await jar.fetch(`${env.relay.url}/publish`);
    expect(await page.text()).toContain('Signed in as carol@example.org');
    const published = await jar.fetch(`${env.relay.url}/v1/google/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: env.relay.url },
      body: JSON.stringify({ spreadsheet: 'https://docs.google.com/spreadsheets/d/web-only/edit#gid=0', ranges: [{ sheet: 'Tickets', range: 'a1:b2' }] }),
    });
    expect(published.status).toBe(201);
    const doc = await published.json();
    expect(doc.title).toBe('Queue at the desk');
    expect(doc.viewUrl).toBe(`${env.relay.url}/view/${doc.shareId}`);
    const viewer = await connectViewer(env.relay, doc.shareId);
    expect((await viewer.next('snapshot')).ranges).toEqual([{ sheet: 'Tickets', range: 'A1:B2', values: [['Now serving', '41'], ['Next', '42']], format: { styles: [] } }]);
    env.google.spreadsheet('web-only').setValues('Tickets', 'B1:B2', [[42], [43]]);
    expect((await viewer.next('delta')).changes).toEqual([{ sheet: 'Tickets', range: 'B1:B2', values: [['42'], ['43']] }]);

    const gone = await jar.fetch(`${env.relay.url}/v1/google/docs/${doc.docId}`, { method: 'DELETE', headers: { origin: env.relay.url } });
    expect(gone.status).toBe(204);
    expect((await viewer.closed).code).toBe(4404);
    await eventually(() => expect(env.google.channels().some((c) => c.fileId === 'web-only')).toBe(false));
  });

  it('refuses to publish without a connected Google account, or from another site', async () => {
    const body = JSON.stringify({ spreadsheet: 'web-only', ranges: [{ sheet: 'Tickets', range: 'A1' }] });
    const anonymous = await fetch(`${env.relay.url}/v1/google/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(anonymous.status).toBe(401);
    const viewerOnly = await oauthFlow(env.relay, { loginHint: 'bob@example.com' });
    const notConnected = await viewerOnly.jar.fetch(`${env.relay.url}/v1/google/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(notConnected.status).toBe(409);
    const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'carol@example.org' });
    const crossSite = await jar.fetch(`${env.relay.url}/v1/google/docs`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body });
    expect(crossSite.status).toBe(403);
  });

  it('refuses NUL in a title, tab name or sheet URL with 400, as publishing from the add-on does', async () => {
    const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'carol@example.org' });
    const good = { spreadsheet: 'web-only', title: 'Queue', ranges: [{ sheet: 'Tickets', range: 'A1' }] };
    for (const body of [{ ...good, title: 'Qu\u0000eue' }, { ...good, ranges: [{ sheet: 'Tick\u0000ets', range: 'A1' }] }, { ...good, spreadsheet: 'web\u0000only' }]) {
      const refused = await jar.fetch(`${env.relay.url}/v1/google/docs`, { method: 'POST', headers: { 'content-type': 'application/json', origin: env.relay.url }, body: JSON.stringify(body) });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.code).toBe('invalid_request');
    }
  });

  it('says so when a doc\'s spreadsheet would need the Picker and the relay has none', async () => {
    const doc = await publishDoc(env.relay, { spreadsheetId: 'needs-picking' }, addonIdToken(env.google, 'carol@example.org'));
    const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'carol@example.org' });
    const html = await (await jar.fetch(`${env.relay.url}/publish?doc=${doc.docId}`)).text();
    expect(html).toContain('no Google Picker set up');
    expect(html).not.toContain('id="pick"');
  });

  it('sends a publisher who is not connected to the connect page first', async () => {
    const html = await (await new CookieJar().fetch(`${env.relay.url}/publish`)).text();
    expect(html).toContain('/auth/google/start?purpose=connect&amp;return=%2Fpublish');
  });
});

describe('the log', () => {
  it('keeps the OAuth code, the state and the return path out of it', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'bob@example.com', returnTo: '/view/SecretShareId123' });
    await eventually(() => expect(env.relay.output()).toContain('/auth/google/callback?'));
    const log = env.relay.output();
    expect(log).not.toContain(flow.callbackUrl.searchParams.get('code')!);
    expect(log).not.toContain(flow.callbackUrl.searchParams.get('state')!);
    expect(log).not.toContain('SecretShareId123');
  });
});

describe('disconnecting Google', () => {
  it('stops sync on every doc of the publisher and revokes the grant at Google', async () => {
    const doc = await connectedDoc('sync-disconnect');
    const { jar } = await oauthFlow(env.relay, { purpose: 'connect', loginHint: ALICE });
    const refreshToken = unseal(deriveKeys(env.secretKey).tokens, grantColumn(ownerIdOf(ALICE), 'sealed_refresh_token')!, `refresh:${ownerIdOf(ALICE)}`);
    const out = await jar.fetch(`${env.relay.url}/auth/google/disconnect`, { method: 'POST', headers: { origin: env.relay.url } });
    expect(out.status).toBe(204);
    expect(env.google.channels().some((c) => c.fileId === 'sync-disconnect')).toBe(false);
    expect((await syncState(doc)).body.status).toBe('off');
    expect(grantColumn(ownerIdOf(ALICE), 'email')).toBeUndefined();
    expect(await (await jar.fetch(`${env.relay.url}/auth/google/session`)).json()).toEqual({ email: ALICE, connected: false });
    const client = new OAuth2Client({ clientId: WEB_CLIENT, clientSecret: CLIENT_SECRET, endpoints: env.google.endpoints });
    client.setCredentials({ refresh_token: refreshToken });
    await expect(client.getAccessToken()).rejects.toThrow(/invalid_grant/);
  });
});

function grantColumn(ownerId: string, column: string): string | undefined {
  const db = new DatabaseSync(join(env.relay.dataDir, 'sheetcast.db'), { readOnly: true });
  try {
    return (db.prepare(`SELECT ${column} AS value FROM google_grants WHERE owner_id = ?`).get(ownerId) as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

// Last: revoking affects every grant the emulator holds.
describe('a revoked grant', () => {
  it('marks the doc "reconnect needed" instead of failing silently, and connecting again brings it back', async () => {
    const doc = await connectedDoc('sync-revoked');
    const viewer = await connectViewer(env.relay, doc.shareId);
    await viewer.next('snapshot');
    env.google.revokeAll();
    env.google.spreadsheet('sync-revoked').setValue('Sheet1', 'A2', 'Crimson');
    await eventually(async () => expect((await syncState(doc)).body.status).toBe('reconnect_needed'));
    const state = (await syncState(doc)).body;
    expect(state.lastError).toMatch(/connect/i);
    expect(state.connectUrl).toBe(`${env.relay.url}/auth/google/start?purpose=connect&doc=${doc.docId}`);
    expect(viewer.all('delta')).toHaveLength(0);

    const again = await oauthFlow(env.relay, { purpose: 'connect', loginHint: ALICE });
    expect(again.callback.status).toBe(200);
    expect((await viewer.next('delta')).changes).toEqual([{ sheet: 'Sheet1', range: 'A2', values: [['Crimson']] }]);
    expect((await syncState(doc)).body).toMatchObject({ status: 'live', lastError: null });
    viewer.close();
  });
});
