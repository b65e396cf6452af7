// Drive channel renewal with three relays on one Postgres and Redis: every relay checks for
// channels about to expire, and each channel is replaced once — one claims it in the store.
// The relays run in this process (buildApp) to share a clock that the test moves.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulator/google/index.ts';
import { buildApp } from '../relay/app.ts';
import { loadConfig } from '../relay/config.ts';
import { freePort, publishDoc, type Relay } from './helpers/index.ts';
import { ADDON_CLIENT, addonIdToken, CLIENT_SECRET, oauthFlow, WEB_CLIENT } from './helpers/google.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

let google: GoogleEmulator;
let database: Awaited<ReturnType<typeof freshDatabase>>;
const apps: FastifyInstance[] = [];
const clock = { time: Date.now(), now: () => clock.time };

beforeAll(async () => {
  google = await startGoogleEmulator({ clientIds: [WEB_CLIENT, ADDON_CLIENT], clientSecret: CLIENT_SECRET, notificationDelayMs: 50 });
  database = await freshDatabase();
  const shared = { ...clusterEnv(database.url), SHEETCAST_SECRET_KEY: randomBytes(32).toString('base64') };
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const config = loadConfig({
      ...shared,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SHEETCAST_DEMO: '0',
      GOOGLE_CLIENT_IDS: `${WEB_CLIENT},${ADDON_CLIENT}`,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      SHEETCAST_GOOGLE_BASE: google.url,
      SHEETCAST_SYNC_DEBOUNCE_MS: '50',
      SHEETCAST_DRIVE_CHANNEL_TTL_MS: String(HOUR),
      SHEETCAST_DRIVE_CHANNEL_RENEW_MS: String(10 * MINUTE),
      SHEETCAST_DRIVE_CHANNEL_CHECK_MS: '3600000', // the test runs the checks itself, all at once
    });
    const app = await buildApp(config, { logger: false, clock });
    await app.listen({ port, host: '127.0.0.1' });
    apps.push(app);
  }
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await google?.close();
  await database?.drop();
});

it('replaces each channel once however many relays look for due channels', async () => {
  const url = apps[0]!.listeningOrigin;
  const relay = { url, adminToken: '' } as Relay;
  const docs = [];
  for (const id of ['cluster-a', 'cluster-b']) {
    google.spreadsheet(id).setValues('Sheet1', 'A1', [['x']]);
    const doc = await publishDoc(relay, { spreadsheetId: id, ranges: [{ sheet: 'Sheet1', range: 'A1' }] }, addonIdToken(google, 'alice@example.com'));
    expect((await oauthFlow(relay, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId })).callback.status).toBe(200);
    docs.push(id);
  }
  const first = new Map(docs.map((id) => [id, google.channels().filter((c) => c.fileId === id).map((c) => c.id)]));
  for (const id of docs) expect(first.get(id)).toHaveLength(1);
  clock.time += 51 * MINUTE; // within the 10-minute margin: every relay's check finds both due
  // every relay checks at the same moment, as their timers may
  const counts = await Promise.all(apps.map((app) => app.google!.sync.renewDue()));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
  for (const id of docs) {
    const open = google.channels().filter((c) => c.fileId === id && !c.stopped);
    expect(open).toHaveLength(1);
    expect(open[0]!.id).not.toBe(first.get(id)![0]);
  }
  // and again: the new channels are far from expiring, nothing more opens
  await Promise.all(apps.map((app) => app.google!.sync.renewDue()));
  for (const id of docs) expect(google.channels().filter((c) => c.fileId === id && !c.stopped)).toHaveLength(1);
  let renewed = 0;
  for (const app of apps) renewed += Number(/^sheetcast_drive_channels_renewed_total (\d+)/m.exec((await app.inject({ url: '/metrics' })).body)?.[1] ?? 0);
  expect(renewed).toBe(2);
});
