import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResponse } from '../protocol/wire.ts';
import { api, cell, connectViewer, postEdits, publishDoc, quietPeriod, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ env: { SHEETCAST_HISTORY: '20' } });
});
afterAll(() => relay.stop());

async function edit(doc: PublishResponse, value: string) {
  const reply = await postEdits(relay, doc, [cell('A1', value)]);
  expect(reply.status).toBe(200);
  return reply.body.seq;
}

describe('resume after reconnect', () => {
  for (const [how, keepLoaded] of [
    ['from the store, when nobody else kept the doc in memory', false],
    ['from memory, while other viewers keep the doc loaded', true],
  ] as const) {
    it(`gets exactly the missed deltas and no snapshot ${how}`, async () => {
      const doc = await publishDoc(relay);
      const other = keepLoaded ? await connectViewer(relay, doc.shareId) : null;
      const viewer = await connectViewer(relay, doc.shareId);
      const { epoch } = await viewer.next('snapshot');
      await edit(doc, 'one');
      expect((await viewer.next('delta')).seq).toBe(1);
      viewer.close();
      await viewer.closed;
      for (const v of ['two', 'three', 'four']) await edit(doc, v);

      const back = await connectViewer(relay, doc.shareId, { epoch, seq: 1 });
      const missed = [await back.next('delta'), await back.next('delta'), await back.next('delta')];
      expect(missed.map((d) => [d.seq, d.changes[0]!.values[0]![0]])).toEqual([[2, 'two'], [3, 'three'], [4, 'four']]);
      await edit(doc, 'five');
      expect((await back.next('delta')).seq).toBe(5);
      await quietPeriod(50);
      expect(back.all('snapshot')).toEqual([]);
      expect(back.all('delta').map((d) => d.seq)).toEqual([2, 3, 4, 5]);
      other?.close();
    });
  }

  it('sends nothing to catch up when the viewer missed nothing', async () => {
    const doc = await publishDoc(relay);
    await edit(doc, 'x');
    const back = await connectViewer(relay, doc.shareId, { epoch: 1, seq: 1 });
    await edit(doc, 'y');
    expect(await back.next('delta')).toMatchObject({ seq: 2 });
    expect(back.frames.filter((f) => f.type !== 'presence')).toHaveLength(1);
  });

  it('gets a snapshot for a wrong epoch, a seq from the future, or history that is gone', async () => {
    const doc = await publishDoc(relay);
    for (let i = 0; i < 25; i++) await edit(doc, `v${i}`);
    for (const resume of [{ epoch: 7, seq: 24 }, { epoch: 1, seq: 99 }, { epoch: 1, seq: 2 }]) {
      const viewer = await connectViewer(relay, doc.shareId, resume);
      const first = await viewer.next();
      expect({ resume, type: first.type }).toEqual({ resume, type: 'snapshot' });
      expect(first).toMatchObject({ epoch: 1, seq: 25 });
      viewer.close();
    }
  });

  it('gets a snapshot after the ranges changed, then deltas of the new epoch', async () => {
    const doc = await publishDoc(relay);
    await edit(doc, 'before');
    await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'A1:D4' }] } });
    const viewer = await connectViewer(relay, doc.shareId, { epoch: 1, seq: 1 });
    const snapshot = await viewer.next('snapshot');
    expect(snapshot).toMatchObject({ epoch: 2, seq: 1 });
    expect(snapshot.ranges[0]!.values[0]![0]).toBe('before');
    await postEdits(relay, doc, [cell('D4', 'new corner')]);
    expect(await viewer.next('delta')).toMatchObject({ seq: 2, changes: [{ range: 'D4', values: [['new corner']] }] });
  });

  it('never skips or repeats a seq for a viewer under a stream of edits from many posters', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:J10' }] });
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const posters = Array.from({ length: 5 }, (_, p) =>
      (async () => {
        for (let i = 0; i < 20; i++) await postEdits(relay, doc, [cell(`${'ABCDE'[p]}${i % 10 + 1}`, `${p}-${i}`)]);
      })(),
    );
    await Promise.all(posters);
    const deltas = [];
    for (let i = 0; i < 100; i++) deltas.push(await viewer.next('delta'));
    expect(deltas.map((d) => d.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
