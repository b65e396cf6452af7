// Snapshot GETs share their reads: one store read and one serialization per state of a doc,
// however many GETs ask at once or later; reads of different docs are bounded, beyond them 503.
import { afterAll, describe, expect, it } from 'vitest';
import type { ShareSnapshot } from '../protocol/wire.ts';
import { SnapshotReads, type SnapshotOutcome } from '../relay/routes/shares/snapshot-reads.ts';
import type { DocRecord } from '../relay/store/store.ts';
import { api, cell, postEdits, publishDoc, putSnapshot, startRelay, type Relay } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

const started: Relay[] = [];
const databases: Awaited<ReturnType<typeof freshDatabase>>[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  await Promise.all(databases.map((d) => d.drop()));
});

const ROWS = 500;
const WIDE = { sheet: 'Sheet1', range: `A1:J${ROWS}` };

/** A published doc of ROWS × 10 cells of 100 characters (about 0.5 MB of values). */
async function bigDoc(relay: Relay) {
  const doc = await publishDoc(relay, { ranges: [WIDE] });
  const values = Array.from({ length: ROWS }, (_, r) => Array.from({ length: 10 }, (_, c) => `${r}:${c}:`.padEnd(100, 'v')));
  expect((await putSnapshot(relay, doc, [{ ...WIDE, values }])).status).toBe(200);
  return doc;
}

const gets = async (relay: Relay) => {
  const text = (await api(relay, 'GET', '/metrics')).body as string;
  const count = (outcome: SnapshotOutcome) => Number(new RegExp(`^sheetcast_snapshot_gets_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { read: count('read'), shared: count('shared'), cached: count('cached'), refused: count('refused') };
};

describe('snapshot GETs', () => {
  it('read and serialize a doc once for many GETs at once and after, and again once it changes', async () => {
    const relay = await startRelay({ env: { SHEETCAST_MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
    started.push(relay);
    const doc = await bigDoc(relay);
    const replies = await Promise.all(Array.from({ length: 8 }, () => fetch(`${relay.url}/v1/shares/${doc.shareId}/snapshot`)));
    const bodies = await Promise.all(replies.map((r) => r.text()));
    expect(replies.map((r) => [r.status, r.headers.get('content-type'), r.headers.get('cache-control')])).toEqual(
      Array(8).fill([200, 'application/json; charset=utf-8', 'no-store']),
    );
    expect(new Set(bodies).size).toBe(1);
    const snapshot = JSON.parse(bodies[0]!) as ShareSnapshot;
    expect(snapshot).toMatchObject({ epoch: 1, seq: 1, title: 'Scores' });
    expect(snapshot.ranges[0]!.values[ROWS - 1]![9]).toBe(`${ROWS - 1}:9:`.padEnd(100, 'v'));
    const counted = await gets(relay);
    expect(counted).toMatchObject({ read: 1, refused: 0 });
    expect(counted.shared + counted.cached).toBe(7);

    // A new seq, and a new title at the same seq, are read again; the same state is not.
    expect((await postEdits(relay, doc, [cell('A1', 'changed')])).status).toBe(200);
    const edited = (await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`)).body as ShareSnapshot;
    expect([edited.seq, edited.ranges[0]!.values[0]![0]]).toEqual([2, 'changed']);
    expect((await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { title: 'Renamed' } })).status).toBe(200);
    expect(((await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`)).body as ShareSnapshot).title).toBe('Renamed');
    const before = await gets(relay);
    await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`);
    expect(await gets(relay)).toMatchObject({ read: 3, cached: before.cached + 1 });
  });

  it('refuse GETs beyond SHEETCAST_SNAPSHOT_READS reads at once with 503 and Retry-After (Postgres, where reads overlap)', async () => {
    const database = await freshDatabase();
    databases.push(database);
    const relay = await startRelay({ env: { ...clusterEnv(database.url), SHEETCAST_MAX_BODY_BYTES: String(4 * 1024 * 1024), SHEETCAST_SNAPSHOT_READS: '1' } });
    started.push(relay);
    const docs = [await bigDoc(relay), await bigDoc(relay), await bigDoc(relay)];
    const replies = await Promise.all(docs.flatMap((d) => Array.from({ length: 4 }, () => api(relay, 'GET', `/v1/shares/${d.shareId}/snapshot`))));
    const refused = replies.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    for (const r of refused) {
      expect(r.body).toEqual({ error: { code: 'unavailable', message: 'too many snapshots are being read: try again shortly' } });
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect((await gets(relay)).refused).toBe(refused.length);
    // Once the reads are done, every doc is served again.
    for (const d of docs) expect((await api(relay, 'GET', `/v1/shares/${d.shareId}/snapshot`)).status).toBe(200);
  });
});

describe('SnapshotReads', () => {
  const record = (docId: string, seq = 1) => ({ docId, epoch: 1, seq, title: 'T' }) as DocRecord;
  const snapshotOf = (doc: DocRecord): ShareSnapshot => ({ epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges: [] });

  it('shares a read under way, answers busy beyond its reads at once, and serves a finished read from memory', async () => {
    const pending = new Map<string, () => void>();
    const outcomes: SnapshotOutcome[] = [];
    const reads = new SnapshotReads(
      (doc) => new Promise((resolve) => pending.set(doc.docId, () => resolve(snapshotOf(doc)))),
      1,
      (outcome) => outcomes.push(outcome),
    );
    const first = reads.get(record('a'));
    const second = reads.get(record('a'));
    expect(await reads.get(record('b'))).toBe('busy');
    pending.get('a')!();
    const [one, two] = await Promise.all([first, second]);
    expect(one).toBe(two);
    expect(JSON.parse(String((one as { body: Buffer }).body))).toEqual(snapshotOf(record('a')));
    expect(await reads.get(record('a'))).toBe(one);
    // A newer seq is read again.
    const newer = reads.get(record('a', 2));
    pending.get('a')!();
    expect(await newer).toMatchObject({ seq: 2 });
    expect(outcomes).toEqual(['read', 'shared', 'refused', 'cached', 'read']);
  });
});
