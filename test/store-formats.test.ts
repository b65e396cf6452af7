// The store's contract for the sheet's look, on every backend: a range's format is ordered,
// kept and resumed like its values, and never outlives its range.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RangeFormat } from '../protocol/wire.ts';
import type { Batch, DocRecord, Store } from '../relay/store/store.ts';
import { dropTestSchemas, storeKinds } from './helpers/stores.ts';

afterAll(dropTestSchemas);

const bold: RangeFormat = { styles: [{}, { bold: true, bg: '#ffeeaa' }], cells: [[1, 1], [0, 0]], widths: [120, 80] };
const plain: RangeFormat = { styles: [] };

let counter = 0;
/** A batch of formats only, for whole published ranges. */
function formats(at: number, ...list: [string, string, RangeFormat][]): Batch {
  return {
    batchId: `f${++counter}`,
    at,
    epoch: 1,
    writes: [],
    areas: [],
    formats: list.map(([sheet, range, format]) => ({ sheet, range, body: JSON.stringify(format) })),
    incoming: 0,
  };
}

for (const [name, open] of storeKinds) {
  describe(`${name} store, formats`, () => {
    let store: Store;
    let doc: DocRecord;
    afterEach(() => store?.close());

    async function openWithDoc(view = {}): Promise<void> {
      ({ store } = await open({ historyLimit: 10, batchIdLimit: 10 }));
      doc = await store.createDoc({
        docId: `fdoc${++counter}`,
        shareId: `fshare${counter}`,
        ownerId: 'admin',
        spreadsheetId: 's',
        title: 'T',
        ranges: [{ sheet: 'S', range: 'A1:B2' }, { sheet: 'T', range: 'C3:D4' }],
        access: 'link',
        allow: [],
        view,
        ingestKeyHash: 'h',
      });
    }

    it('gives a format change the next seq, a delta with empty changes, and the snapshot the format', async () => {
      await openWithDoc();
      const outcome = await store.applyBatch(doc.docId, formats(1_000, ['S', 'A1:B2', bold]));
      expect(outcome!.result).toMatchObject({ seq: 1, applied: 0 });
      expect(outcome!.delta).toEqual({ docId: doc.docId, epoch: 1, seq: 1, changes: [], formats: [{ sheet: 'S', range: 'A1:B2', format: bold }] });
      const snapshot = (await store.readSnapshot(doc.docId))!;
      expect(snapshot.ranges[0]).toEqual({ sheet: 'S', range: 'A1:B2', values: [['', ''], ['', '']], format: bold });
      expect(snapshot.ranges[1]).not.toHaveProperty('format');
      // a resuming viewer gets the format from history
      expect(await store.readDeltas(doc.docId, 1, 0)).toEqual([outcome!.delta]);
    });

    it('sends nothing for the same format again, and drops a format read before the stored one', async () => {
      await openWithDoc();
      await store.applyBatch(doc.docId, formats(1_000, ['S', 'A1:B2', bold]));
      const same = await store.applyBatch(doc.docId, formats(2_000, ['S', 'A1:B2', bold]));
      expect(same!.delta).toBeNull();
      const older = await store.applyBatch(doc.docId, formats(1_500, ['S', 'A1:B2', plain]));
      expect(older!.delta).toBeNull();
      expect((await store.readSnapshot(doc.docId))!.ranges[0]!.format).toEqual(bold);
      const newer = await store.applyBatch(doc.docId, formats(3_000, ['S', 'A1:B2', plain]));
      expect(newer!.delta!.formats).toEqual([{ sheet: 'S', range: 'A1:B2', format: plain }]);
    });

    it('carries values and formats of one batch in one delta', async () => {
      await openWithDoc();
      const both = formats(1_000, ['T', 'C3:D4', bold]);
      both.writes = [{ sheet: 'T', row: 3, col: 3, value: 'x' }];
      both.areas = [{ sheet: 'T', rect: { top: 3, left: 3, bottom: 3, right: 3 } }];
      both.incoming = 1;
      const outcome = await store.applyBatch(doc.docId, both);
      expect(outcome!.delta).toMatchObject({ seq: 1, changes: [{ sheet: 'T', range: 'C3', values: [['x']] }], formats: [{ sheet: 'T', range: 'C3:D4' }] });
    });

    it('moves a format with its range, and forgets the format of a range no longer published', async () => {
      await openWithDoc();
      await store.applyBatch(doc.docId, formats(1_000, ['S', 'A1:B2', bold], ['T', 'C3:D4', plain]));
      // a row inserted above S!A1:B2; T!C3:D4 unpublished
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A2:B3' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges).toEqual([{ sheet: 'S', range: 'A2:B3', values: [['', ''], ['', '']], format: bold }]);
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A2:B3' }, { sheet: 'T', range: 'C3:D4' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[1]).not.toHaveProperty('format');
    });

    it('drops a format whose range stopped being published after the batch was clipped', async () => {
      await openWithDoc();
      const late = formats(1_000, ['T', 'C3:D4', bold]);
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }] });
      const outcome = await store.applyBatch(doc.docId, late);
      expect(outcome!.delta).toBeNull();
      await store.updateDoc(doc.docId, { ranges: [{ sheet: 'S', range: 'A1:B2' }, { sheet: 'T', range: 'C3:D4' }] });
      expect((await store.readSnapshot(doc.docId))!.ranges[1]).not.toHaveProperty('format');
    });

    it('deletes formats with their doc', async () => {
      await openWithDoc();
      await store.applyBatch(doc.docId, formats(1_000, ['S', 'A1:B2', bold]));
      await store.deleteDoc(doc.docId);
      await store.createDoc({ ...doc, title: 'again' });
      expect((await store.readSnapshot(doc.docId))!.ranges[0]).not.toHaveProperty('format');
    });

    it('keeps the view settings a doc was published with, and changes them', async () => {
      await openWithDoc({ theme: 'dark', chrome: false });
      expect((await store.getDoc(doc.docId))!.view).toEqual({ theme: 'dark', chrome: false });
      expect((await store.readSnapshot(doc.docId))!.view).toEqual({ theme: 'dark', chrome: false });
      const changed = await store.updateDoc(doc.docId, { view: { board: true } });
      expect(changed).toMatchObject({ view: { board: true }, epoch: 1 });
    });
  });
}
