// One contract for the doc store on every backend: each runs this same suite.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkGrids, clip, toAreas } from '../relay/cells/cells.ts';
import type { Batch, DocRecord, NewDoc, Store } from '../relay/store/store.ts';
import type { RangeValues } from '../protocol/wire.ts';
import { dropTestSchemas, storeKinds } from './helpers/stores.ts';

const limits = { historyLimit: 5, batchIdLimit: 3 };
afterAll(dropTestSchemas);
const stores = storeKinds.map(([name, open]) => [name, async () => (await open(limits)).store] as const);

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
  return { batchId, at, epoch: doc.epoch, ...clipped, formats: [] };
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
      expect(await store.countDocs('google:1')).toBe(1);
      expect(await store.countDocs('google:2')).toBe(0);
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

    it('matches ranges by identity, not by their place in the list', async () => {
      store = await make();
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'Public', range: 'A1:B1' }] }));
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'Public', range: 'A1:B1', values: [['open', 'data']] }], 1000));
      // A range of the same shape is published in front of it: Public's cells stay Public's.
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'Payroll', range: 'A1:B1' }, { sheet: 'Public', range: 'A1:B1' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges).toEqual([
        { sheet: 'Payroll', range: 'A1:B1', values: [['', '']] },
        { sheet: 'Public', range: 'A1:B1', values: [['open', 'data']] },
      ]);
      // and the add-on's snapshot read before the change fills Payroll: nothing there is newer
      const changed = (await store.getDoc(doc.docId))!;
      const filled = await store.applyBatch(doc.docId, batch(changed, [{ sheet: 'Payroll', range: 'A1:B1', values: [['secret', 'pay']] }], 900));
      expect(filled!.result.applied).toBe(2);
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

// Batches that arrive together are committed together (group commit); each keeps its own answer.
for (const [name, open] of storeKinds) {
  describe(`${name} store, committing batches in groups`, () => {
    let store: Store;
    afterEach(() => store?.close());

    async function openWithDoc(): Promise<DocRecord> {
      ({ store } = await open({ historyLimit: 100, batchIdLimit: 100 }));
      return store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:C3' }] }));
    }

    /** One cell, already clipped under the doc's first epoch (row and column from 1). */
    function cell(batchId: string, row: number, col: number, value: string): Batch {
      return {
        batchId,
        at: 1_000,
        epoch: 1,
        writes: [{ sheet: 'S', row, col, value }],
        areas: [{ sheet: 'S', rect: { top: row, left: col, bottom: row, right: col } }],
        formats: [],
        incoming: 1,
      };
    }

    it('answers batches sent together each with its own seq, all stored', async () => {
      const doc = await openWithDoc();
      const sent = [cell('a', 1, 1, 'x'), cell('b', 2, 2, 'y'), cell('a', 1, 1, 'x'), cell('c', 3, 3, 'z')];
      const outcomes = await Promise.all(sent.map((b) => store.applyBatch(doc.docId, b)));
      expect(outcomes.map((o) => [o!.result.seq, o!.result.duplicate, o!.delta?.seq ?? null])).toEqual([
        [1, false, 1],
        [2, false, 2],
        [1, true, null], // the repeat of "a" in the same group is recognised
        [3, false, 3],
      ]);
      const snapshot = await store.readSnapshot(doc.docId);
      expect(snapshot!.seq).toBe(3);
      expect(snapshot!.ranges[0]!.values).toEqual([['x', '', ''], ['', 'y', ''], ['', '', 'z']]);
    });

    it('undoes a batch that fails alone, committing the ones around it', async () => {
      const doc = await openWithDoc();
      // A cell cannot hold null (NOT NULL on both databases): the batch's first cell, written
      // before the second fails, must be undone with it.
      const bad = cell('bad', 2, 1, 'half');
      bad.writes.push({ sheet: 'S', row: 2, col: 2, value: null as unknown as string });
      bad.areas = [{ sheet: 'S', rect: { top: 2, left: 1, bottom: 2, right: 2 } }];
      const results = await Promise.allSettled([
        store.applyBatch(doc.docId, cell('a', 1, 1, 'x')),
        store.applyBatch(doc.docId, bad),
        store.applyBatch(doc.docId, cell('c', 3, 3, 'z')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const snapshot = await store.readSnapshot(doc.docId);
      expect(snapshot!.seq).toBe(2);
      expect(snapshot!.ranges[0]!.values).toEqual([['x', '', ''], ['', '', ''], ['', '', 'z']]);
      expect((await store.readDeltas(doc.docId, 1, 0))!.map((d) => d.seq)).toEqual([1, 2]);
    });

    it('applies a batch that arrived before a change of ranges under the ranges it was clipped to', async () => {
      const doc = await openWithDoc();
      const pending = store.applyBatch(doc.docId, cell('a', 3, 3, 'outside soon'));
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
      const outcome = await pending;
      // Applied in the old epoch, then the new ranges dropped the cell: nothing outside them is kept.
      expect(outcome!.delta).toMatchObject({ epoch: 1, seq: 1 });
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:C3' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.values[2]).toEqual(['', '', '']);
    });

    it('applies a batch that arrived before the doc was deleted, before deleting it', async () => {
      const doc = await openWithDoc();
      const pending = store.applyBatch(doc.docId, cell('a', 1, 1, 'x'));
      expect(await store.deleteDoc(doc.docId)).toBe(true);
      expect((await pending)!.result).toMatchObject({ seq: 1, applied: 1 });
    });

    it('commits batches still queued when the store closes', async () => {
      const doc = await openWithDoc();
      const pending = store.applyBatch(doc.docId, cell('a', 1, 1, 'x'));
      await store.close();
      expect((await pending)!.result).toMatchObject({ seq: 1, applied: 1 });
    });
  });
}

for (const [name, open] of storeKinds) {
  describe(`${name} store, reading while it writes`, () => {
    let store: Store;
    afterEach(() => store?.close());

    // Every batch writes both cells of its row; each changes the doc, so seq counts the rows filled.
    function expectWhole(snapshot: { seq: number; ranges: { values: string[][] }[] }): void {
      const rows = snapshot.ranges[0]!.values;
      for (const [left, right] of rows) expect(left).toBe(right);
      expect(rows.filter(([left]) => left !== '').length).toBe(snapshot.seq);
    }

    it('never shows a snapshot read while a group commits half a batch', async () => {
      ({ store } = await open({ historyLimit: 100, batchIdLimit: 100 }));
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:B30' }] }));
      const rows = Array.from({ length: 30 }, (_, i) => i + 1);
      let answered = false;
      const committed = Promise.all(rows.map((r) => store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: `A${r}:B${r}`, values: [[`v${r}`, `v${r}`]] }], r))));
      void committed.then(() => (answered = true));
      const snapshots = [];
      while (!answered) {
        snapshots.push((await store.readSnapshot(doc.docId))!);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await committed;
      for (const snapshot of snapshots) expectWhole(snapshot);
    });

    it('never shows a snapshot read while the ranges change half of the change', async () => {
      ({ store } = await open(limits));
      const doc = await store.createDoc(newDoc({ ranges: [{ sheet: 'S', range: 'A1:B2' }] }));
      await store.applyBatch(doc.docId, batch(doc, [{ sheet: 'S', range: 'A1:B2', values: [['a', 'a'], ['b', 'b']] }], 1));
      const moved = store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A3:B4' }] });
      // Reads keep arriving, a step apart, while the change's transaction runs its statements.
      const reads = [];
      for (let i = 0; i < 30; i++) {
        reads.push(store.readSnapshot(doc.docId));
        await Promise.resolve();
      }
      await moved;
      for (const snapshot of await Promise.all(reads)) {
        expect([1, 2]).toContain(snapshot!.epoch);
        expect(snapshot!.ranges[0]!.values).toEqual([['a', 'a'], ['b', 'b']]);
      }
    });
  });
}
