// The store's limits, on every backend (the contract suite's companion): each is kept inside the
// store's own transaction, so nothing racing it can pass it.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RangeValues } from '../protocol/wire.ts';
import { checkGrids, clip, toAreas } from '../relay/cells/cells.ts';
import { OverLimitError, type Batch, type DocRecord, type NewDoc, type Store } from '../relay/store/store.ts';
import { dropTestSchemas, storeKinds } from './helpers/stores.ts';

afterAll(dropTestSchemas);
const limits = { historyLimit: 100, batchIdLimit: 100 };

let made = 0;
const newDoc = (ownerId: string, range = 'A1:C1'): NewDoc => {
  made++;
  return { docId: `limits${made}`, shareId: `limits-share${made}`, ownerId, spreadsheetId: 's', title: 'T', ranges: [{ sheet: 'S', range }], access: 'link', allow: [], ingestKeyHash: 'h' };
};

/** One grid on tab S, clipped to the doc's ranges as the ingestor clips it. */
const batch = (doc: DocRecord, range: string, values: string[][], at: number): Batch => {
  const grids: RangeValues[] = [{ sheet: 'S', range, values }];
  return { batchId: `limits-b${++made}`, at, epoch: doc.epoch, ...clip(grids, checkGrids(grids, 'edits'), toAreas(doc.ranges)), formats: [] };
};

for (const [name, open] of storeKinds) {
  describe(`${name} store, limits`, () => {
    let store: Store;
    afterEach(() => store?.close());

    const snapshotOf = async (docId: string) => (await store.readSnapshot(docId))!;

    it('refuses whole, changing nothing, a batch that would hold more value bytes than docBytes', async () => {
      ({ store } = await open({ ...limits, docBytes: 10 }));
      const doc = await store.createDoc(newDoc('admin'));
      await store.applyBatch(doc.docId, batch(doc, 'A1', [['abcd']], 1));
      // 4 + 8 UTF-8 bytes ('é' is two): over 10, so neither cell of the batch is written.
      const over = store.applyBatch(doc.docId, batch(doc, 'B1:C1', [['x', 'éééé']], 2));
      await expect(over).rejects.toBeInstanceOf(OverLimitError);
      await expect(over).rejects.toMatchObject({ limit: 'doc_bytes' });
      expect(await snapshotOf(doc.docId)).toMatchObject({ seq: 1, ranges: [{ values: [['abcd', '', '']] }] });
      // Rewriting a cell counts what it frees: 'ab' + 'éééé' is 10 bytes, within the limit.
      const fits = await store.applyBatch(doc.docId, batch(doc, 'A1:C1', [['ab', '', 'éééé']], 3));
      expect(fits!.result).toMatchObject({ seq: 2, applied: 2 });
      await expect(store.applyBatch(doc.docId, batch(doc, 'B1', [['z']], 4))).rejects.toBeInstanceOf(OverLimitError);
      // Cells deleted with a range no longer count.
      const narrowed = await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B1' }] });
      const after = await store.applyBatch(narrowed!.docId, batch(narrowed!, 'B1', [['12345678']], 5));
      expect(after!.result.applied).toBe(1);
    });

    it('creates at most maxPerOwner docs for one owner when creates race, and more for another owner', async () => {
      ({ store } = await open(limits));
      const racing = await Promise.allSettled(Array.from({ length: 8 }, () => store.createDoc(newDoc('google:racer'), 3)));
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of racing) if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'OverLimitError', limit: 'docs_per_owner' });
      expect(await store.countDocs('google:racer')).toBe(3);
      expect(await store.createDoc(newDoc('google:other'), 3)).toMatchObject({ ownerId: 'google:other' });
    });
  });
}
