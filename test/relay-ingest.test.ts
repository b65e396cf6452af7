import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cell, connectViewer, postEdits, publishDoc, putSnapshot, quietPeriod, snapshotOf, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay.stop());

describe('clipping to the published ranges', () => {
  it('keeps only the cells inside the ranges, in the store and on every socket', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'B2:C3' }] });
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    // a 3×3 paste over A1:C3 crosses the range's top and left edges
    const paste = [['secret-a1', 'secret-b1', 'secret-c1'], ['secret-a2', 'b2', 'c2'], ['secret-a3', 'b3', 'c3']];
    const reply = await postEdits(relay, doc, [
      { sheet: 'Sheet1', range: 'A1:C3', values: paste },
      cell('B2', 'secret-other-tab', 'Sheet2'),
    ]);
    expect(reply.body).toEqual({ seq: 1, applied: 4, dropped: 6, duplicate: false });
    const delta = await viewer.next('delta');
    expect(delta.changes).toEqual([{ sheet: 'Sheet1', range: 'B2:C3', values: [['b2', 'c2'], ['b3', 'c3']] }]);
    expect(JSON.stringify(viewer.frames)).not.toContain('secret');
    // a newcomer's snapshot and the HTTP snapshot carry none of it either
    const late = await connectViewer(relay, doc.shareId);
    expect(JSON.stringify(await late.next('snapshot'))).not.toContain('secret');
    expect(JSON.stringify(await snapshotOf(relay, doc.shareId))).not.toContain('secret');
    // nor does the store: widening the ranges shows empty cells where the secrets were sent
    await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }] } });
    expect(JSON.stringify(await snapshotOf(relay, doc.shareId))).not.toContain('secret');
  });

  it('drops an edit entirely outside the ranges without advancing the seq', async () => {
    const doc = await publishDoc(relay);
    const reply = await postEdits(relay, doc, [cell('Z99', 'outside')]);
    expect(reply.body).toEqual({ seq: 0, applied: 0, dropped: 1, duplicate: false });
    expect((await snapshotOf(relay, doc.shareId)).seq).toBe(0);
  });

  it('updates every tab that shows a cell when published ranges overlap', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }, { sheet: 'Sheet1', range: 'B2:C3' }] });
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const reply = await postEdits(relay, doc, [cell('B2', 'shared')]);
    expect(reply.body.applied).toBe(1);
    // one change, which the view applies to every range it overlaps
    const delta = await viewer.next('delta');
    expect(delta.changes).toEqual([{ sheet: 'Sheet1', range: 'B2', values: [['shared']] }]);
    const snap = await snapshotOf(relay, doc.shareId);
    expect(snap.ranges.map((r) => r.values)).toEqual([[['', ''], ['', 'shared']], [['shared', ''], ['', '']]]);
  });
});

describe('a doc whose ranges overlap', () => {
  it('sends a delta no larger than the request, however many ranges show the cells', async () => {
    // The most ranges a doc may have, all the same 10 × 10 block.
    const ranges = Array.from({ length: 50 }, () => ({ sheet: 'Sheet1', range: 'A1:J10' }));
    const doc = await publishDoc(relay, { ranges });
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const values = Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => `${'x'.repeat(500)}${r}:${c}`));
    const edit = { sheet: 'Sheet1', range: 'A1:J10', values };
    expect((await postEdits(relay, doc, [edit])).body.applied).toBe(100);
    const delta = await viewer.next('delta');
    expect(JSON.stringify(delta.changes).length).toBeLessThanOrEqual(JSON.stringify([edit]).length);
    expect(delta.changes).toEqual([edit]);
    const snapshot = await snapshotOf(relay, doc.shareId);
    expect(snapshot.ranges.every((r) => JSON.stringify(r.values) === JSON.stringify(values))).toBe(true);
    viewer.close();
  });

  it('sends one change per edited grid when ranges only partly overlap it', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }, { sheet: 'Sheet1', range: 'B2:C3' }, { sheet: 'Sheet1', range: 'A1:C1' }] });
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const grid = { sheet: 'Sheet1', range: 'A1:D3', values: [['a', 'b', 'c', 'd'], ['e', 'f', 'g', 'h'], ['i', 'j', 'k', 'l']] };
    expect((await postEdits(relay, doc, [grid])).body).toMatchObject({ applied: 8, dropped: 4 });
    // A3 lies outside every range: null, so nothing outside the ranges leaves (column D is cut off)
    expect((await viewer.next('delta')).changes).toEqual([
      { sheet: 'Sheet1', range: 'A1:C3', values: [['a', 'b', 'c'], ['e', 'f', 'g'], [null, 'j', 'k']] },
    ]);
    viewer.close();
  });
});

describe('last writer wins by read time', () => {
  it('never lets an older read overwrite a newer one, whatever the arrival order', async () => {
    const doc = await publishDoc(relay);
    const now = Date.now();
    await postEdits(relay, doc, [cell('A1', 'newer')], { at: now });
    const late = await postEdits(relay, doc, [cell('A1', 'older')], { at: now - 1000 });
    expect(late.body).toEqual({ seq: 1, applied: 0, dropped: 1, duplicate: false });
    expect((await snapshotOf(relay, doc.shareId)).ranges[0]!.values[0]![0]).toBe('newer');
  });

  it('records a newer read of an unchanged value, so a late older write cannot undo it', async () => {
    const doc = await publishDoc(relay);
    const t = Date.now() - 10_000;
    await postEdits(relay, doc, [cell('A1', 'x')], { at: t });
    await postEdits(relay, doc, [cell('A1', 'x')], { at: t + 5000 }); // re-read: still x
    await postEdits(relay, doc, [cell('A1', 'stale')], { at: t + 2000 }); // read before that re-read
    expect((await snapshotOf(relay, doc.shareId)).ranges[0]!.values[0]![0]).toBe('x');
  });

  it('applies last-writer-wins to snapshots too, cell by cell', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:B1' }] });
    const t = Date.now() - 10_000;
    await postEdits(relay, doc, [cell('A1', 'typed later')], { at: t + 1000 });
    const reply = await putSnapshot(relay, doc, [{ sheet: 'Sheet1', range: 'A1:B1', values: [['snapshot', 'snapshot']] }], { at: t });
    expect(reply.body).toMatchObject({ applied: 1, dropped: 1 });
    expect((await snapshotOf(relay, doc.shareId)).ranges[0]!.values).toEqual([['typed later', 'snapshot']]);
  });
});

describe('idempotent batches', () => {
  it('answers a repeated batchId with the first answer, marked duplicate, and changes nothing', async () => {
    const doc = await publishDoc(relay);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const first = await postEdits(relay, doc, [cell('A1', 'once')], { batchId: 'batch-1' });
    expect(first.body).toEqual({ seq: 1, applied: 1, dropped: 0, duplicate: false });
    await postEdits(relay, doc, [cell('A1', 'between')], { batchId: 'batch-2' });
    // the retry carries different content (it must not be applied) and an older answer comes back
    const again = await postEdits(relay, doc, [cell('A1', 'retry')], { batchId: 'batch-1' });
    expect(again.body).toEqual({ seq: 1, applied: 1, dropped: 0, duplicate: true });
    expect((await snapshotOf(relay, doc.shareId)).ranges[0]!.values[0]![0]).toBe('between');
    await viewer.next('delta');
    await viewer.next('delta');
    await quietPeriod(50);
    expect(viewer.all('delta').map((d) => d.seq)).toEqual([1, 2]);
  });

  it('shares batch ids between edits and snapshots of one doc, not across docs', async () => {
    const [a, b] = await Promise.all([publishDoc(relay), publishDoc(relay)]);
    await postEdits(relay, a, [cell('A1', '1')], { batchId: 'same' });
    expect((await putSnapshot(relay, a, [cell('A1', '2')], { batchId: 'same' })).body.duplicate).toBe(true);
    expect((await postEdits(relay, b, [cell('A1', '1')], { batchId: 'same' })).body.duplicate).toBe(false);
  });
});
