// The data API through the real relay: rows as JSON and CSV with ETags and CORS by access, and
// the live frames as Server-Sent Events that resume exactly by Last-Event-ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeltaFrame, SnapshotFrame } from '../protocol/wire.ts';
import { api, cell, connectViewer, openEvents, postEdits, publishDoc, putSnapshot, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ env: { SHEETCAST_PING_MS: '300' } });
});
afterAll(() => relay.stop());

const BOARD = { sheet: 'Board', range: 'A1:C4' };
const VALUES = [['Team', 'Points', ''], ['Ada', '10', 'x'], ['Grace, "G"', '7', 'y'], ['Hidden', '99', 'z']];

async function board(extra: object = {}) {
  const doc = await publishDoc(relay, { ranges: [BOARD, { sheet: 'Other', range: 'A1:A2' }], ...extra });
  await putSnapshot(relay, doc, [
    { ...BOARD, values: VALUES, format: { styles: [], hidden: { rows: [3], columns: [] } } },
    { sheet: 'Other', range: 'A1:A2', values: [['k'], ['v']] },
  ]);
  return doc;
}

describe('rows and CSV', () => {
  it('gives the first range as objects keyed by its header row, hidden rows left out, with an ETag and CORS for a link share', async () => {
    const doc = await board();
    const reply = await api(relay, 'GET', `/v1/shares/${doc.shareId}/rows`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([{ Team: 'Ada', Points: '10', C: 'x' }, { Team: 'Grace, "G"', Points: '7', C: 'y' }]);
    expect(reply.headers.get('etag')).toBe('"1.1"');
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('cache-control')).toBe('public, max-age=1');
    const again = await fetch(`${relay.url}/v1/shares/${doc.shareId}/rows`, { headers: { 'if-none-match': '"1.1"' } });
    expect(again.status).toBe(304);
    await postEdits(relay, doc, [cell('B2', '11', 'Board')]);
    const changed = await fetch(`${relay.url}/v1/shares/${doc.shareId}/rows`, { headers: { 'if-none-match': '"1.1"' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"1.2"');
  });

  it('picks a range by name, and refuses one the share does not publish', async () => {
    const doc = await board();
    expect((await api(relay, 'GET', `/v1/shares/${doc.shareId}/rows?range=Other`)).body).toEqual([{ k: 'v' }]);
    expect((await api(relay, 'GET', `/v1/shares/${doc.shareId}/rows?range=${encodeURIComponent('Other!a1:a2')}`)).body).toEqual([{ k: 'v' }]);
    const wrong = await api(relay, 'GET', `/v1/shares/${doc.shareId}/rows?range=${encodeURIComponent('Secret!A1:Z99')}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_range');
  });

  it('gives the range as RFC 4180 CSV', async () => {
    const doc = await board();
    const response = await fetch(`${relay.url}/v1/shares/${doc.shareId}/csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('Team,Points,\r\nAda,10,x\r\n"Grace, ""G""",7,y\r\n');
  });

  it('keeps a header named __proto__ as a plain key', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
    await putSnapshot(relay, doc, [{ sheet: 'S', range: 'A1:B2', values: [['__proto__', 'x'], ['1', '2']] }]);
    const text = await (await fetch(`${relay.url}/v1/shares/${doc.shareId}/rows`)).text();
    expect(JSON.parse(text)).toEqual([JSON.parse('{"__proto__":"1","x":"2"}')]);
  });

  it('asks a restricted share for sign-in, and never lets another origin read it or a CDN keep it', async () => {
    const doc = await board({ access: 'restricted', allow: ['@example.org'] });
    for (const path of ['rows', 'csv', 'events']) {
      const reply = await api(relay, 'GET', `/v1/shares/${doc.shareId}/${path}`);
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('sign_in_required');
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('Server-Sent Events', () => {
  it('sends the snapshot, then each delta with its epoch.seq as the event id, and keep-alive comments', async () => {
    const doc = await board();
    const stream = await openEvents(relay, doc.shareId);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const snapshot = await stream.next('snapshot');
    expect(snapshot.id).toBe('1.1');
    expect((JSON.parse(snapshot.data) as SnapshotFrame).ranges[0]!.values[1]).toEqual(['Ada', '10', 'x']);
    for (const value of ['11', '12']) await postEdits(relay, doc, [cell('B2', value, 'Board')]);
    const deltas = [await stream.next('delta'), await stream.next('delta')];
    expect(deltas.map((d) => d.id)).toEqual(['1.2', '1.3']);
    expect(deltas.map((d) => (JSON.parse(d.data) as DeltaFrame).changes[0]!.values)).toEqual([[['11']], [['12']]]);
    await expect.poll(() => stream.comments.filter((c) => c === 'ping').length, { timeout: 5_000 }).toBeGreaterThan(0);
    stream.close();
  });

  it('resumes by Last-Event-ID with exactly the missed deltas, from memory and from the store', async () => {
    const doc = await board();
    const first = await openEvents(relay, doc.shareId);
    const { id } = await first.next('snapshot');
    first.close();
    const watcher = await connectViewer(relay, doc.shareId); // keeps the doc in memory
    await watcher.next('snapshot');
    await postEdits(relay, doc, [cell('B2', 'a', 'Board')]);
    await postEdits(relay, doc, [cell('B3', 'b', 'Board')]);
    const resumed = await openEvents(relay, doc.shareId, { 'last-event-id': id! });
    const got = [await resumed.next(), await resumed.next()];
    expect(got.map((e) => [e.event, e.id])).toEqual([['delta', '1.2'], ['delta', '1.3']]);
    resumed.close();
    watcher.close();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the doc unloads: history comes from the store
    const fromStore = await openEvents(relay, doc.shareId, { 'last-event-id': '1.2' });
    expect(await fromStore.next()).toMatchObject({ event: 'delta', id: '1.3' });
    fromStore.close();
    const tooOld = await openEvents(relay, doc.shareId, { 'last-event-id': '7.0' });
    expect(await tooOld.next()).toMatchObject({ event: 'snapshot', id: '1.3' });
    tooOld.close();
  });

  it('refuses a malformed Last-Event-ID with 400 before any stream', async () => {
    const doc = await board();
    const bad = await fetch(`${relay.url}/v1/shares/${doc.shareId}/events`, { headers: { 'last-event-id': 'x' } });
    expect(bad.status).toBe(400);
  });

  it('tells an SSE viewer the doc was unpublished, with the close code, and ends the stream', async () => {
    const doc = await board();
    const stream = await openEvents(relay, doc.shareId);
    await stream.next('snapshot');
    await api(relay, 'DELETE', `/v1/docs/${doc.docId}`, { token: relay.adminToken });
    expect(await stream.next()).toMatchObject({ event: 'closed' });
    expect(JSON.parse((await stream.next('close')).data)).toEqual({ code: 4404, reason: 'unpublished' });
    await stream.ended;
  });
});
