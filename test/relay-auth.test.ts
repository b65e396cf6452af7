import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulator/google/index.ts';
import { api, cell, postEdits, publishDoc, startRelay, type Relay } from './helpers/index.ts';

const CLIENT_ID = 'sheetcast-addon.apps.googleusercontent.com';
let google: GoogleEmulator;
let relay: Relay;

const alice = { sub: '1001', email: 'alice@example.com', aud: CLIENT_ID };
const bob = { sub: '1002', email: 'bob@example.com', aud: CLIENT_ID };

beforeAll(async () => {
  google = await startGoogleEmulator();
  relay = await startRelay({ env: { GOOGLE_CLIENT_IDS: `other-client,${CLIENT_ID}`, SHEETCAST_GOOGLE_BASE: google.url } });
});
afterAll(async () => {
  await relay.stop();
  await google.close();
});

describe('publishing with a Google ID token', () => {
  it('publishes as the token\'s subject, who then owns the doc', async () => {
    const doc = await publishDoc(relay, {}, google.idToken(alice));
    expect(doc.shareId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(doc.ingestKey).toMatch(/^sck_[A-Za-z0-9_-]{43,}$/);
    expect(doc.viewUrl).toBe(`${relay.url}/view/${doc.shareId}`);
    const info = await api(relay, 'GET', `/v1/docs/${doc.docId}`, { token: google.idToken(alice) });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ docId: doc.docId, shareId: doc.shareId, epoch: 1, seq: 0, viewers: 0 });
    expect(JSON.stringify(info.body)).not.toContain(doc.ingestKey);
  });

  it('refuses a forged, expired, wrong-audience or unverified-email token with 401', async () => {
    const tokens = {
      forged: google.forgedIdToken(alice),
      expired: google.idToken({ ...alice, expiresInSeconds: -600 }),
      'wrong audience': google.idToken({ ...alice, aud: 'someone-elses-client' }),
      'unverified email': google.idToken({ ...alice, emailVerified: false }),
      'wrong issuer': google.idToken({ ...alice, issuer: 'https://evil.example.com' }),
      truncated: google.idToken(alice).slice(0, -10),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const reply = await api(relay, 'POST', '/v1/docs', { token, body: { spreadsheetId: 's', title: what, ranges: [{ sheet: 'S', range: 'A1' }] } });
      expect({ what, status: reply.status, code: reply.body.error?.code }).toEqual({ what, status: 401, code: 'unauthorized' });
    }
  });

  it('keeps accepting tokens across a rotation of Google\'s signing keys', async () => {
    const before = google.idToken(alice);
    google.rotateKeys();
    const after = google.idToken(alice);
    expect((await api(relay, 'POST', '/v1/docs', { token: before, body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } })).status).toBe(201);
    expect((await api(relay, 'POST', '/v1/docs', { token: after, body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } })).status).toBe(201);
  });
});

describe('owner routes', () => {
  it('give another user 403 on every owner route, and change nothing', async () => {
    const doc = await publishDoc(relay, {}, google.idToken(alice));
    const token = google.idToken(bob);
    const base = `/v1/docs/${doc.docId}`;
    for (const [method, path, body] of [
      ['GET', base],
      ['PATCH', base, { title: 'taken over' }],
      ['DELETE', base],
      ['POST', `${base}/rotate-key`],
    ] as const) {
      const reply = await api(relay, method, path, { token, body });
      expect({ method, path, status: reply.status, code: reply.body.error.code }).toEqual({ method, path, status: 403, code: 'forbidden' });
    }
    const info = await api(relay, 'GET', base, { token: google.idToken(alice) });
    expect(info.body.title).toBe('Scores');
    expect((await postEdits(relay, doc, [cell('A1', 'still mine')])).status).toBe(200);
  });

  it('let the admin token manage any doc', async () => {
    const doc = await publishDoc(relay, {}, google.idToken(alice));
    const reply = await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { title: 'Renamed' } });
    expect(reply.status).toBe(200);
    expect(reply.body.title).toBe('Renamed');
  });

  it('rotate the ingest key: the old one stops working, the new one works', async () => {
    const doc = await publishDoc(relay, {}, google.idToken(alice));
    const rotated = await api(relay, 'POST', `/v1/docs/${doc.docId}/rotate-key`, { token: google.idToken(alice) });
    expect(rotated.status).toBe(200);
    expect(rotated.body.ingestKey).not.toBe(doc.ingestKey);
    expect((await postEdits(relay, doc, [cell('A1', 'old key')])).status).toBe(401);
    expect((await postEdits(relay, { ...doc, ingestKey: rotated.body.ingestKey }, [cell('A1', 'new key')])).status).toBe(200);
  });
});

describe('without Google configured', () => {
  it('refuses ID tokens with 401 rather than trusting them', async () => {
    const plain = await startRelay({ env: { SHEETCAST_GOOGLE_BASE: google.url } });
    try {
      const reply = await api(plain, 'POST', '/v1/docs', { token: google.idToken(alice), body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } });
      expect(reply.status).toBe(401);
    } finally {
      await plain.stop();
    }
  });
});
