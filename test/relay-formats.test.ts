// The sheet's look through the real relay: formats arrive with snapshots and edits, are checked
// against their ranges, and reach viewers in snapshot and delta frames under the value rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, RangeFormat } from '../protocol/wire.ts';
import { api, cell, connectViewer, postEdits, publishDoc, putSnapshot, snapshotOf, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay.stop());

const header: RangeFormat = {
  styles: [{}, { bg: '#1a73e8', color: '#ffffff', bold: true, h: 'center' }, { h: 'right' }],
  cells: [[1, 1, 1], [0, 0, 2], [0, 0, 2]],
  merges: [[0, 0, 1, 3]],
  widths: [100, 100, 60],
  heights: [[0, 32]],
  frozen: { rows: 1, columns: 0 },
  links: [[1, 0, 'https://example.com/a']],
  checks: [[2, 1]],
};
const values = [['Title', '', ''], ['a', 'b', '1'], ['c', 'TRUE', '2']];
const A1C3 = { sheet: 'Sheet1', range: 'A1:C3' };

describe('formats', () => {
  it('keeps a snapshot range\'s format and serves it in the snapshot and to viewers', async () => {
    const doc = await publishDoc(relay);
    const reply = await putSnapshot(relay, doc, [{ ...A1C3, values, format: header }]);
    expect(reply.status).toBe(200);
    expect((await snapshotOf(relay, doc.shareId)).ranges).toEqual([{ ...A1C3, values, format: header }]);
    const viewer = await connectViewer(relay, doc.shareId);
    expect((await viewer.next('snapshot')).ranges).toEqual([{ ...A1C3, values, format: header }]);
  });

  it('sends a format-only change as a delta with empty changes, and nothing for the same format again', async () => {
    const doc = await publishDoc(relay);
    await putSnapshot(relay, doc, [{ ...A1C3, values, format: header }]);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const recoloured: RangeFormat = { ...header, styles: [{}, { ...header.styles[1], bg: '#d93025' }, { h: 'right' }] };
    const reply = await postEdits(relay, doc, [], { formats: [{ ...A1C3, format: recoloured }] });
    expect(reply.body).toEqual({ seq: 2, applied: 0, dropped: 0, duplicate: false });
    expect(await viewer.next('delta')).toEqual({ type: 'delta', seq: 2, changes: [], formats: [{ ...A1C3, format: recoloured }] });
    const again = await postEdits(relay, doc, [], { formats: [{ ...A1C3, format: recoloured }] });
    expect(again.body.seq).toBe(2);
    // a value edit's delta carries no formats: clients that ignore them see the value protocol
    await postEdits(relay, doc, [cell('B2', 'x')]);
    expect(await viewer.next('delta')).toEqual({ type: 'delta', seq: 3, changes: [{ sheet: 'Sheet1', range: 'B2', values: [['x']] }] });
  });

  it('resumes a viewer with the format deltas it missed, from memory and from the store', async () => {
    const doc = await publishDoc(relay);
    await putSnapshot(relay, doc, [{ ...A1C3, values }]);
    const viewer = await connectViewer(relay, doc.shareId);
    const { epoch, seq } = await viewer.next('snapshot');
    viewer.close();
    await postEdits(relay, doc, [], { formats: [{ ...A1C3, format: header }] });
    const resumed = await connectViewer(relay, doc.shareId, { epoch, seq });
    expect(await resumed.next('delta')).toMatchObject({ seq: seq + 1, changes: [], formats: [{ ...A1C3, format: header }] });
    resumed.close();
    // the doc unloads once nobody watches; a later resume reads the delta from the store's history
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fromStore = await connectViewer(relay, doc.shareId, { epoch, seq });
    expect(await fromStore.next('delta')).toMatchObject({ seq: seq + 1, formats: [{ ...A1C3, format: header }] });
  });

  it('ignores the format of a range the doc does not publish', async () => {
    const doc = await publishDoc(relay);
    const reply = await postEdits(relay, doc, [], { formats: [{ sheet: 'Sheet1', range: 'A1:B2', format: { styles: [] } }, { sheet: 'Other', range: 'A1:C3', format: { styles: [] } }] });
    expect(reply.body).toMatchObject({ seq: 0, applied: 0 });
    expect((await snapshotOf(relay, doc.shareId)).ranges[0]).not.toHaveProperty('format');
  });

  it.each([
    ['a style index past the table', { styles: [{}], cells: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] }, 'formats[0].format.cells[1][1]'],
    ['cells of the wrong shape', { styles: [], cells: [[0, 0]] }, 'formats[0].format.cells'],
    ['a merge past the range', { styles: [], merges: [[2, 2, 2, 1]] }, 'formats[0].format.merges[0]'],
    ['widths of the wrong length', { styles: [], widths: [10] }, 'formats[0].format.widths'],
    ['a link outside the range', { styles: [], links: [[5, 0, 'https://x.test']] }, 'formats[0].format.links[0]'],
    ['a hidden column outside the range', { styles: [], hidden: { rows: [], columns: [3] } }, 'formats[0].format.hidden.columns[0]'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_, format, field) => {
    const doc = await publishDoc(relay);
    const reply = await postEdits(relay, doc, [cell('A1', 'kept out')], { formats: [{ ...A1C3, format: format as RangeFormat }] });
    expect(reply.status).toBe(400);
    const { error } = reply.body as unknown as ApiError;
    expect(error.code).toBe('invalid_format');
    expect(error.message).toContain(field);
    expect(await snapshotOf(relay, doc.shareId)).toMatchObject({ seq: 0, ranges: [{ values: [['', '', ''], ['', '', ''], ['', '', '']] }] });
  });

  it.each([
    ['a colour that is not #rrggbb', { styles: [{ bg: 'red' }] }],
    ['an unknown style field', { styles: [{ blink: true }] }],
    ['an unknown format field', { styles: [], script: 'x' }],
  ])('refuses %s by schema with 400', async (_, format) => {
    const doc = await publishDoc(relay);
    const reply = await postEdits(relay, doc, [], { formats: [{ ...A1C3, format: format as RangeFormat }] });
    expect(reply.status).toBe(400);
  });

  it('keeps the publisher\'s view settings and sends them with the snapshot; a change reaches open viewers', async () => {
    const doc = await publishDoc(relay, { view: { theme: 'dark', chrome: false } });
    const info = await api(relay, 'GET', `/v1/docs/${doc.docId}`, { token: relay.adminToken });
    expect(info.body.view).toEqual({ theme: 'dark', chrome: false });
    const viewer = await connectViewer(relay, doc.shareId);
    expect((await viewer.next('snapshot')).view).toEqual({ theme: 'dark', chrome: false });
    expect((await snapshotOf(relay, doc.shareId)).view).toEqual({ theme: 'dark', chrome: false });
    const patched = await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { view: { board: true } } });
    expect(patched.status).toBe(200);
    expect((await viewer.next('snapshot')).view).toEqual({ board: true });
    // the shared snapshot GET is a new state too, though no seq moved
    expect((await snapshotOf(relay, doc.shareId)).view).toEqual({ board: true });
    const bad = await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { view: { theme: 'neon' } } });
    expect(bad.status).toBe(400);
  });
});
