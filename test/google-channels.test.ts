// Drive channels expire (a day at most for a file): the relay replaces each one before it does,
// going by an injectable clock, so this test moves time instead of waiting for it. The relay runs
// in this process (buildApp) to take the clock; Google is the emulator, as everywhere.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../emulator/google/index.ts';
import type { PublishResponse } from '../protocol/wire.ts';
import { buildApp } from '../relay/app.ts';
import { loadConfig } from '../relay/config.ts';
import { connectViewer, eventually, freePort, publishDoc, type Relay } from './helpers/index.ts';
import { ADDON_CLIENT, addonIdToken, CLIENT_SECRET, oauthFlow, WEB_CLIENT } from './helpers/google.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

let google: GoogleEmulator;
let app: FastifyInstance;
let relay: Relay;
let doc: PublishResponse;
const clock = { time: Date.now(), now: () => clock.time };

beforeAll(async () => {
  google = await startGoogleEmulator({ clientIds: [WEB_CLIENT, ADDON_CLIENT], clientSecret: CLIENT_SECRET, notificationDelayMs: 50 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    SHEETCAST_DATA: join(mkdtempSync(join(tmpdir(), 'sheetcast-')), 'sheetcast.db'),
    SHEETCAST_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    SHEETCAST_DEMO: '0',
    GOOGLE_CLIENT_IDS: `${WEB_CLIENT},${ADDON_CLIENT}`,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    SHEETCAST_SECRET_KEY: randomBytes(32).toString('base64'),
    SHEETCAST_GOOGLE_BASE: google.url,
    SHEETCAST_SYNC_DEBOUNCE_MS: '50',
    SHEETCAST_DRIVE_CHANNEL_TTL_MS: String(HOUR),
    SHEETCAST_DRIVE_CHANNEL_RENEW_MS: String(10 * MINUTE),
    SHEETCAST_DRIVE_CHANNEL_CHECK_MS: '1000',
  });
  app = await buildApp(config, { logger: false, clock });
  await app.listen({ port, host: '127.0.0.1' });
  relay = { url, wsUrl: url.replace('http', 'ws'), port, adminToken: config.adminToken!, dataDir: '', output: () => '', stop: async () => 0, kill: async () => {}, restart: async () => {} };

  google.spreadsheet('renewed').setValues('Sheet1', 'A1:B1', [['Status', 'open']]);
  doc = await publishDoc(relay, { spreadsheetId: 'renewed', ranges: [{ sheet: 'Sheet1', range: 'A1:B1' }] }, addonIdToken(google, 'alice@example.com'));
  const flow = await oauthFlow(relay, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId });
  expect(flow.callback.status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await google?.close();
});

let replaced: { id: string; token: string | null; resourceId: string } | undefined;
const channelsOfSheet = () => google.channels().filter((c) => c.fileId === 'renewed');

it('asks Drive for a channel that lasts the configured time, by its clock', () => {
  const [channel] = channelsOfSheet();
  expect(channel!.expiration).toBe(clock.time + HOUR);
});

it('leaves a channel alone until it is within the renewal margin of expiring', async () => {
  const [first] = channelsOfSheet();
  expect(await app.google!.sync.renewDue()).toBe(0);
  clock.time += 49 * MINUTE; // 11 minutes left
  expect(await app.google!.sync.renewDue()).toBe(0);
  expect(channelsOfSheet().map((c) => c.id)).toEqual([first!.id]);
});

it('replaces the channel before it expires and stops the old one', async () => {
  const [old] = channelsOfSheet();
  clock.time += 2 * MINUTE; // 9 minutes left: the periodic check renews it
  await eventually(() => {
    const ids = channelsOfSheet().map((c) => c.id);
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(old!.id);
  });
  const [renewed] = channelsOfSheet();
  replaced = old;
  expect(old!.stopped).toBe(true);
  expect(old!.expiration).toBeGreaterThan(clock.now());
  expect(renewed!.expiration).toBe(clock.time + HOUR);
  const state = await app.google!.sync.state(doc.docId);
  expect(state).toMatchObject({ status: 'live', channelExpiresAt: renewed!.expiration });
  // Counted after the old channel's stop returns, which can be just after Google shows it stopped.
  await eventually(async () => expect((await app.inject({ url: '/metrics' })).body).toContain('sheetcast_drive_channels_renewed_total 1'));
});

it('keeps the doc live through the new channel, and refuses the old one', async () => {
  const [renewed] = channelsOfSheet();
  const viewer = await connectViewer(relay, doc.shareId);
  await viewer.next('snapshot');
  google.spreadsheet('renewed').setValue('Sheet1', 'B1', 'closed');
  expect((await viewer.next('delta')).changes).toEqual([{ sheet: 'Sheet1', range: 'B1', values: [['closed']] }]);
  await eventually(() => expect(google.deliveries().some((d) => d.channelId === renewed!.id && d.state === 'update' && d.outcome === 204)).toBe(true));
  const stale = await fetch(`${relay.url}/webhooks/drive`, {
    method: 'POST',
    headers: { 'x-goog-channel-id': replaced!.id, 'x-goog-channel-token': replaced!.token!, 'x-goog-resource-id': replaced!.resourceId, 'x-goog-resource-state': 'update' },
  });
  expect(stale.status).toBe(404);
  viewer.close();
});
