// Two relays on one Postgres and one Redis, the first reaching both through proxies the test cuts:
// a store or bus outage degrades that relay (not ready, viewers kept) and it recovers by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { api, cell, connectViewer, eventually, postEdits, publishDoc, startRelay, type Relay } from './helpers/index.ts';
import { addonIdToken, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';
import { clusterEnv, freshDatabase, TEST_REDIS_URL } from './helpers/services.ts';
import { plantRejection } from './helpers/plant.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let postgres: TcpProxy;
let redis: TcpProxy;
let a: Relay;
let b: Relay;

beforeAll(async () => {
  database = await freshDatabase();
  [postgres, redis] = await Promise.all([startTcpProxy(database.url), startTcpProxy(TEST_REDIS_URL)]);
  const env = clusterEnv(database.url);
  a = await startRelay({ env: { ...env, DATABASE_URL: postgres.via(database.url), REDIS_URL: redis.via(TEST_REDIS_URL) } });
  b = await startRelay({ env });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([postgres?.close(), redis?.close()]);
  await database?.drop();
});

const alive = (relay: Relay) => fetch(`${relay.url}/healthz`).then((r) => r.status, () => 'down');
const ready = (relay: Relay) => fetch(`${relay.url}/readyz`).then((r) => r.status, () => 'down');

describe('a relay whose store or bus goes away for a while', () => {
  it('stays up when its database drops while a live doc reloads, and catches the doc up once it is back', async () => {
    const doc = await publishDoc(b, { title: 'Before' });
    const idle = await publishDoc(b);
    const viewer = await connectViewer(a, doc.shareId);
    await viewer.next('snapshot');
    postgres.cut();
    // A request that needs the database is answered 503 with Retry-After, not 500.
    const refused = await api(a, 'GET', `/v1/shares/${idle.shareId}/snapshot`);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The other relay changes the title: this one hears it on the bus and must reload from its store.
    expect((await api(b, 'PATCH', `/v1/docs/${doc.docId}`, { token: b.adminToken, body: { title: 'After' } })).status).toBe(200);
    await eventually(() => expect(a.output()).toMatch(/catching a live doc up from the store failed/));
    expect(await alive(a)).toBe(200);
    expect(await ready(a)).toBe(503);
    postgres.restore();
    expect(await viewer.next('snapshot')).toMatchObject({ title: 'After' });
    await eventually(async () => expect(await ready(a)).toBe(200));
    expect((await api(a, 'GET', `/v1/shares/${idle.shareId}/snapshot`)).status).toBe(200);
    expect(viewer.socket.readyState).toBe(viewer.socket.OPEN);
    viewer.close();
  });

  it('re-reads each live doc when its bus comes back, closing the viewers the doc no longer admits', async () => {
    const doc = await publishDoc(b);
    const viewer = await connectViewer(a, doc.shareId);
    await viewer.next('snapshot');
    redis.cut();
    await eventually(async () => expect(await ready(a)).toBe(503));
    // Made restricted while this relay's bus is away: the doc event is lost to it.
    expect((await api(b, 'PATCH', `/v1/docs/${doc.docId}`, { token: b.adminToken, body: { access: 'restricted', allow: ['alice@example.com'] } })).status).toBe(200);
    redis.restore();
    expect((await viewer.closed).code).toBe(CloseCode.SignInNeeded);
    await eventually(async () => expect(await ready(a)).toBe(200));
  });

  it('fills the deltas a viewer missed while the bus was away', async () => {
    const doc = await publishDoc(b);
    const viewer = await connectViewer(a, doc.shareId);
    await viewer.next('snapshot');
    redis.cut();
    await eventually(async () => expect(await ready(a)).toBe(503));
    await postEdits(b, doc, [cell('A1', 'while away')]);
    redis.restore();
    expect(await viewer.next('delta')).toMatchObject({ seq: 1, changes: [{ range: 'A1', values: [['while away']] }] });
    await eventually(async () => expect(await ready(a)).toBe(200));
    viewer.close();
  });

  it('logs and counts a rejection nobody handled, and keeps serving', async () => {
    const plant = plantRejection('planted rejection');
    const relay = await startRelay({ nodeFlags: plant.nodeFlags, env: plant.env });
    try {
      plant.fire();
      await eventually(() => expect(relay.output()).toMatch(/unhandled rejection/));
      expect(relay.output()).toMatch(/planted rejection/);
      const metrics = await (await fetch(`${relay.url}/metrics`)).text();
      expect(metrics).toMatch(/^sheetcast_unhandled_rejections_total 1$/m);
      expect(await alive(relay)).toBe(200);
    } finally {
      await relay.stop();
    }
  });
});

describe('a relay that syncs a doc from Google when its database drops', () => {
  let google: GoogleRelay;
  let store: TcpProxy;
  beforeAll(async () => {
    store = await startTcpProxy(database.url);
    // Long enough a debounce that the database is surely cut before the read it schedules.
    google = await startGoogleRelay({ env: { DATABASE_URL: store.via(database.url), SHEETCAST_SYNC_DEBOUNCE_MS: '1500' } });
  });
  afterAll(async () => {
    await google?.stop();
    await store?.close();
  });

  it('logs the failed read as a warning, without an unhandled rejection, and reads again once it is back', async () => {
    const sheet = google.google.spreadsheet('outage', 'Outage');
    sheet.setValues('Sheet1', 'A1', [['before']]);
    const doc = await publishDoc(google.relay, { spreadsheetId: 'outage', ranges: [{ sheet: 'Sheet1', range: 'A1' }] }, addonIdToken(google.google, 'alice@example.com'));
    expect((await oauthFlow(google.relay, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId })).callback.status).toBe(200);
    const channel = google.google.channels().find((c) => c.fileId === 'outage')!;
    const updates = () => google.google.deliveries().filter((d) => d.channelId === channel.id && d.state === 'update' && d.outcome === 204).length;
    sheet.setValue('Sheet1', 'A1', 'during');
    await eventually(() => expect(updates()).toBe(1));
    store.cut();
    await eventually(() => expect(google.relay.output()).toMatch(/reading the doc failed/), { timeoutMs: 15_000 });
    expect(google.relay.output()).not.toMatch(/unhandled rejection/);
    store.restore();
    sheet.setValue('Sheet1', 'A1', 'after');
    await eventually(async () => {
      const snapshot = await api(google.relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`);
      expect(snapshot.body.ranges[0].values).toEqual([['after']]);
    }, { timeoutMs: 15_000 });
  });
});
