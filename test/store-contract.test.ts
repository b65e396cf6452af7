// One contract for every Store implementation: each runs this same suite.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGrids, clip, toAreas } from '../relay/cells/cells.ts';
import { SqliteStore } from '../relay/store/sqlite.ts';
import type { Batch, DocRecord, NewDoc, Store } from '../relay/store/store.ts';
import type { RangeValues } from '../protocol/wire.ts';

const stores: [string, () => Store][] = [
  ['sqlite', () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'sheetcast-store-')), 'db'), { historyLimit: 5, batchIdLimit: 3 })],
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
  return { batchId, at, ...clipped };
}

for (const [name, make] of stores) {
  describe(`${name} store`, () => {
    let store: Store;
    afterEach(() => store?.close());

    it('creates docs and finds them by id, share and owner', async () => {
      store = make();
      const doc = await store.createDoc(newDoc({ ownerId: 'google:1', spreadsheetId: 'abc' }));
      expect(doc).toMatchObject({ epoch: 1, seq: 0, lastEditAt: null });
      expect(await store.getDoc(doc.docId)).toEqual(doc);
      expect(await store.getDocByShare(doc.shareId)).toEqual(doc);
      expect(await store.findDoc('google:1', 'abc')).toEqual(doc);
      expect(await store.getDoc('missing')).toBeNull();
    });

    it('assigns consecutive seqs to batches that change cells and keeps their deltas', async () => {
      store = make();
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
      store = make();
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
      store = make();
      const doc = await store.createDoc(newDoc());
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:B2', values: [['a', 'b'], ['c', 'd']] }], 1));
      const updated = await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:A2' }], title: 'New' });
      expect(updated).toMatchObject({ epoch: 2, seq: 1, title: 'New' });
      expect(await store.readDeltas(doc.docId, 2, 0)).toBeNull();
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['a', ''], ['c', '']]);
    });

    it('deletes a doc with everything it stored', async () => {
      store = make();
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
      store = make();
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
      store = make();
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:A2' }] }));
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:A2', values: [['x'], ['y']] }], 1));
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:A3' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values).toEqual([['x'], ['y'], ['']]);
    });
  });
}
