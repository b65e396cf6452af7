// `POST /webhooks/drive` trusts nothing but a known channel id with its secret token: a forged
// notification changes nothing. Drive's own notices are held back here (a long notification
// delay), so the sheet differs from the relay and only a genuine notification can bring it over.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PublishResponse } from '../protocol/wire.ts';
import { connectViewer, publishDoc, quietPeriod, snapshotOf, type Viewer } from './helpers/index.ts';
import { addonIdToken, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';

const DEBOUNCE_MS = 100;

let env: GoogleRelay;
let doc: PublishResponse;
let viewer: Viewer;
let channel: { id: string; token: string | null; resourceId: string };

beforeAll(async () => {
  env = await startGoogleRelay({ emulator: { notificationDelayMs: 10 * 60_000 }, env: { SHEETCAST_SYNC_DEBOUNCE_MS: String(DEBOUNCE_MS) } });
  env.google.spreadsheet('forgery').setValues('Sheet1', 'A1:B2', [['Item', 'Count'], ['Pens', 3]]);
  doc = await publishDoc(env.relay, { spreadsheetId: 'forgery', ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] }, addonIdToken(env.google, 'alice@example.com'));
  const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: 'alice@example.com', doc: doc.docId });
  expect(flow.callback.status).toBe(200);
  channel = env.google.channels().find((c) => c.fileId === 'forgery')!;
  viewer = await connectViewer(env.relay, doc.shareId);
  await viewer.next('snapshot');
  // The sheet changes; Drive will not say so during this file.
  env.google.spreadsheet('forgery').setValue('Sheet1', 'B2', 999);
});

afterAll(async () => {
  viewer?.close();
  await env?.stop();
});

function post(headers: Record<string, string>, body?: string) {
  return fetch(`${env.relay.url}/webhooks/drive`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
}

function genuine(): Record<string, string> {
  return {
    'x-goog-channel-id': channel.id,
    'x-goog-channel-token': channel.token!,
    'x-goog-resource-id': channel.resourceId,
    'x-goog-resource-state': 'update',
    'x-goog-message-number': '2',
  };
}

async function expectNothingChanged(): Promise<void> {
  await quietPeriod(DEBOUNCE_MS * 4);
  expect(viewer.all('delta')).toHaveLength(0);
  expect((await snapshotOf(env.relay, doc.shareId)).ranges[0]!.values[1]).toEqual(['Pens', '3']);
}

it('answers 404 to a notification for a channel it never opened', async () => {
  const reply = await post({ ...genuine(), 'x-goog-channel-id': 'sc-not-a-channel-of-ours' });
  expect(reply.status).toBe(404);
  expect((await post({ ...genuine(), 'x-goog-channel-id': '<script>' })).status).toBe(404);
  const { 'x-goog-channel-id': _, ...noId } = genuine();
  expect((await post(noId)).status).toBe(404);
  await expectNothingChanged();
});

it('answers 401 to a known channel id with a wrong or missing token, or another resource', async () => {
  expect((await post({ ...genuine(), 'x-goog-channel-token': 'guessed' })).status).toBe(401);
  expect((await post({ ...genuine(), 'x-goog-channel-token': `${channel.token!}x` })).status).toBe(401);
  const { 'x-goog-channel-token': _, ...noToken } = genuine();
  expect((await post(noToken)).status).toBe(401);
  expect((await post({ ...genuine(), 'x-goog-resource-id': 'another-file' })).status).toBe(401);
  await expectNothingChanged();
});

it('does not read a body it was sent, nor let one change anything', async () => {
  const reply = await post({ 'x-goog-channel-id': channel.id, 'content-type': 'application/json' }, JSON.stringify({ values: [['Pens', 'free']] }));
  expect(reply.status).toBe(401);
  await expectNothingChanged();
});

it('brings the change over for a genuine notification, answering at once', async () => {
  const reply = await post(genuine());
  expect(reply.status).toBe(204);
  expect((await viewer.next('delta')).changes).toEqual([{ sheet: 'Sheet1', range: 'B2', values: [['999']] }]);
});

it('counts notifications by outcome, and reads by outcome, in /metrics', async () => {
  const metrics = await (await fetch(`${env.relay.url}/metrics`)).text();
  expect(metrics).toContain('sheetcast_drive_notifications_total{outcome="unknown_channel"} 3');
  expect(metrics).toContain('sheetcast_drive_notifications_total{outcome="bad_token"} 5');
  expect(metrics).toContain('sheetcast_drive_notifications_total{outcome="sync_ignored"} 1');
  expect(metrics).toContain('sheetcast_drive_notifications_total{outcome="read_scheduled"} 1');
  // The first read when the doc was connected, and the one the genuine notification brought.
  expect(metrics).toContain('sheetcast_google_reads_total{outcome="applied"} 2');
});
