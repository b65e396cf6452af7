// One contract for every Store implementation: each runs this same suite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkGrids, clip, toAreas } from '../relay/cells/cells.ts';
import { SqliteStore } from '../relay/store/sqlite.ts';
import { PostgresStore } from '../relay/store/postgres.ts';
import { TEST_DATABASE_URL } from './helpers/services.ts';
import type { Batch, DocRecord, NewDoc, Store } from '../relay/store/store.ts';
import type { RangeValues } from '../protocol/wire.ts';

const limits = { historyLimit: 5, batchIdLimit: 3 };
const schemas: string[] = [];
afterAll(async () => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});
const stores: [string, () => Promise<Store>][] = [
  ['sqlite', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sheetcast-store-')), 'db'), limits)],
  // Each Postgres store gets a schema of its own in the machine's real server.
  ['postgres', () => {
    const schema = `sheetcast_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return PostgresStore.open(TEST_DATABASE_URL, { ...limits, schema });
  }],
];

let counter = 0;
function newDoc(over: Partial<NewDoc> = {}): NewDoc {
  counter++;
  return {
    docId: `doc${counter}`,
    shareId: `share${counter}`,
    ownerId: 'admin',
    spreadsheetId: 'sheet',
    title: 'T',
    ranges: [{ sheet: 'S', range: 'A1:B2' }],
    access: 'link',
    allow: [],
    ingestKeyHash: 'hash',
    ...over,
  };
}

function batch(doc: DocRecord, grids: RangeValues[], at: number, batchId = `b${++counter}`): Batch {
  const clipped = clip(grids, checkGrids(grids, 'edits'), toAreas(doc.ranges));
  return { batchId, at, epoch: doc.epoch, ...clipped };
}

for (const [name, make] of stores) {
  describe(`${name} store`, () => {
    let store: Store;
    afterEach(() => store?.close());

    it('creates docs and finds them by id, share and owner', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc({ ownerId: 'google:1', spreadsheetId: 'abc' }));
      expect(doc).toMatchObject({ epoch: 1, seq: 0, lastEditAt: null });
      expect(await store.getDoc(doc.docId)).toEqual(doc);
      expect(await store.getDocByShare(doc.shareId)).toEqual(doc);
      expect(await store.findDoc('google:1', 'abc')).toEqual(doc);
      expect(await store.getDoc('missing')).toBeNull();
    });

    it('assigns consecutive seqs to batches that change cells and keeps their deltas', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc());
      const first = await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['x']] }], 1));
      const noop = await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['x']] }], 2));
      const second = await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'B2', values: [['y']] }], 3));
      expect([first!.result.seq, noop!.result.seq, second!.result.seq]).toEqual([1, 1, 2]);
      expect(noop!.delta).toBeNull();
      expect(await store.readDeltas(doc.docId, 1, 0)).toEqual([first!.delta, second!.delta]);
      expect(await store.readDeltas(doc.docId, 1, 2)).toEqual([]);
      expect(await store.readDeltas(doc.docId, 2, 0)).toBeNull();
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['x', ''], ['', 'y']]);
    });

    it('keeps only the newest deltas and batch ids within their limits', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc());
      for (let i = 1; i <= 8; i++) await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [[`v${i}`]] }], i, `id${i}`));
      expect(await store.readDeltas(doc.docId, 1, 2)).toBeNull(); // seq 3 was pruned (limit 5)
      expect((await store.readDeltas(doc.docId, 1, 3))!.map((d) => d.seq)).toEqual([4, 5, 6, 7, 8]);
      const oldRetry = await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['old']] }], 99, 'id1'));
      expect(oldRetry!.result.duplicate).toBe(false); // beyond the 3 remembered ids
      const recentRetry = await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['new']] }], 100, 'id8'));
      expect(recentRetry!.result.duplicate).toBe(true);
    });

    it('starts a new epoch when ranges change: history dropped, cells outside deleted', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc());
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:B2', values: [['a', 'b'], ['c', 'd']] }], 1));
      const updated = await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:A2' }], title: 'New' });
      expect(updated).toMatchObject({ epoch: 2, seq: 1, title: 'New' });
      expect(await store.readDeltas(doc.docId, 2, 0)).toBeNull();
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['a', ''], ['c', '']]);
    });

    it('deletes a doc with everything it stored', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc());
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['x']] }], 1));
      expect(await store.deleteDoc(doc.docId)).toBe(true);
      expect(await store.deleteDoc(doc.docId)).toBe(false);
      expect(await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1', values: [['x']] }], 2))).toBeNull();
      expect(await store.readSnapshot(doc.docId)).toBeNull();
      // a new doc reusing nothing sees nothing of the old one
      const again = await store.createDoc(newDoc({ docId: doc.docId, shareId: 'fresh-share' }));
      expect((await store.readSnapshot(again.docId))!.ranges[0]!.values).toEqual([['', ''], ['', '']]);
    });
  });
}

for (const [name, make] of stores) {
  describe(`${name} store, when ranges move`, () => {
    let store: Store;
    afterEach(() => store?.close());

    it('carries the cells of a range that moved with its data or its tab, keeping their read times', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:B2' }, { sheet: 'T', range: 'C3' }] }));
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:B2', values: [['a', 'b'], ['c', 'd']] }, { sheet: 'T', range: 'C3', values: [['t']] }], 1000));
      // a row inserted above S!A1:B2, and tab T renamed to U
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A2:B3' }, { sheet: 'U', range: 'C3' }] });
      const snapshot = await store.readSnapshot(doc.docId);
      expect(snapshot!.ranges.map((r) => r.values)).toEqual([[['a', 'b'], ['c', 'd']], [['t']]]);
      // an older write does not overwrite a carried cell: its read time came along
      const moved = (await store.getDoc(doc.docId))!;
      const stale = await store.applyBatch(doc.docId, batch(moved, [{ sheet: 'S', range: 'A2', values: [['stale']] }], 999));
      expect(stale!.result.applied).toBe(0);
    });

    it('leaves cells in place when a range changed shape', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:A2' }] }));
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:A2', values: [['x'], ['y']] }], 1));
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:A3' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['x'], ['y'], ['']]);
    });
  });
}

for (const [name, make] of stores) {
  describe(`${name} store, Google records`, () => {
    let store: Store;
    afterEach(() => store?.close());

    it('keeps one sealed grant per owner, replaced on save', async () => {
      store = await make();
      const grant = { ownerId: 'google:1', email: 'a@x.com', scopes: ['openid'], sealedRefreshToken: 'v1.r', sealedAccessToken: null, accessExpiresAt: null, updatedAt: 1 };
      await store.saveGoogleGrant(grant);
      await store.saveGoogleGrant({ ...grant, sealedAccessToken: 'v1.a', accessExpiresAt: 1_800_000_000_000, updatedAt: 2 });
      expect(await store.getGoogleGrant('google:1')).toEqual({ ...grant, sealedAccessToken: 'v1.a', accessExpiresAt: 1_800_000_000_000, updatedAt: 2 });
      await store.deleteGoogleGrant('google:1');
      expect(await store.getGoogleGrant('google:1')).toBeNull();
    });

    it('keeps sync state per doc and lists an owner\'s', async () => {
      store = await make();
      const sync = { docId: 'd1', ownerId: 'google:1', status: 'live' as const, lastSyncAt: null, lastError: null, updatedAt: 1 };
      await store.saveDocSync(sync);
      await store.saveDocSync({ ...sync, docId: 'd2', status: 'reconnect_needed', lastError: 'revoked' });
      expect(await store.getDocSync('d1')).toEqual(sync);
      expect((await store.docSyncsOf('google:1')).map((s) => [s.docId, s.status])).toEqual([['d1', 'live'], ['d2', 'reconnect_needed']]);
      await store.deleteDocSync('d1');
      expect(await store.getDocSync('d1')).toBeNull();
    });

    it('finds Drive channels by id, by doc and by expiry', async () => {
      store = await make();
      const channel = { channelId: 'c1', docId: 'd1', resourceId: 'r1', tokenHash: 'h', expiresAt: 2000, createdAt: 1 };
      await store.saveDriveChannel(channel);
      await store.saveDriveChannel({ ...channel, channelId: 'c2', expiresAt: 1000 });
      expect(await store.getDriveChannel('c1')).toEqual(channel);
      expect((await store.driveChannelsOf('d1')).map((c) => c.channelId)).toEqual(['c2', 'c1']);
      expect((await store.driveChannelsExpiringBefore(1500)).map((c) => c.channelId)).toEqual(['c2']);
      await store.deleteDriveChannel('c2');
      expect((await store.driveChannelsOf('d1')).map((c) => c.channelId)).toEqual(['c1']);
    });
  });
}

for (const [name, make] of stores) {
  describe(`${name} store, when ranges change under a batch`, () => {
    let store: Store;
    afterEach(() => store?.close());

    it('never stores a cell outside the current ranges, even from a batch clipped under the old ones', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:B2' }] }));
      // clipped while A1:B2 was published...
      const late = batch(doc, [{ sheet: 'S', range: 'A1:B2', values: [['in', 'out'], ['out', 'out']] }], 1);
      // ...and stored after the ranges shrank to A1
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1' }] });
      const outcome = await store.applyBatch(doc.docId, late);
      expect(outcome!.result).toMatchObject({ applied: 1, dropped: 3 });
      expect(outcome!.delta).toMatchObject({ epoch: 2, changes: [{ sheet: 'S', range: 'A1', values: [['in']] }] });
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['in', ''], ['', '']]);
    });
  });
}
