import { describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { cell, connectViewer, postEdits, publishDoc, snapshotOf, startRelay } from './helpers/index.ts';

describe('restart on the same data', () => {
  it('keeps cells, seq and epoch, and resumes viewers without a snapshot', async () => {
    const relay = await startRelay();
    try {
      const doc = await publishDoc(relay);
      const viewer = await connectViewer(relay, doc.shareId);
      await viewer.next('snapshot');
      for (const v of ['1', '2', '3']) await postEdits(relay, doc, [cell('B2', v)]);
      const last = (await viewer.next('delta'), await viewer.next('delta'), await viewer.next('delta'));
      const before = await snapshotOf(relay, doc.shareId);

      // SIGTERM: viewers hear 1001 (going away), the process exits cleanly
      const exit = relay.stop();
      expect((await viewer.closed).code).toBe(CloseCode.GoingAway);
      expect(await exit).toBe(0);

      await relay.restart();
      expect(await snapshotOf(relay, doc.shareId)).toEqual(before);
      const back = await connectViewer(relay, doc.shareId, { epoch: before.epoch, seq: last.seq });
      await postEdits(relay, doc, [cell('C3', 'after restart')]);
      expect(await back.next('delta')).toMatchObject({ seq: 4, changes: [{ range: 'C3', values: [['after restart']] }] });
      expect(back.all('snapshot')).toEqual([]);
      // the ingest key and batch ids survived too
      expect((await postEdits(relay, doc, [cell('A1', 'x')], { batchId: 'b1' })).body.duplicate).toBe(false);
    } finally {
      await relay.stop();
    }
  });

  it('loses no acknowledged edit when the relay is killed with SIGKILL', async () => {
    const relay = await startRelay();
    try {
      const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:A50' }] });
      const acknowledged: string[] = [];
      for (let i = 1; i <= 50; i++) {
        const reply = await postEdits(relay, doc, [cell(`A${i}`, `v${i}`)], { batchId: `batch-${i}` });
        expect(reply.status).toBe(200);
        acknowledged.push(`v${i}`);
      }
      await relay.kill();
      await relay.restart();
      const snapshot = await snapshotOf(relay, doc.shareId);
      expect(snapshot.seq).toBe(50);
      expect(snapshot.ranges[0]!.values.map((row) => row[0])).toEqual(acknowledged);
      // a retry of an acknowledged batch is still recognised after the crash
      expect((await postEdits(relay, doc, [cell('A1', 'retry')], { batchId: 'batch-1' })).body).toEqual({ seq: 1, applied: 1, dropped: 0, duplicate: true });
    } finally {
      await relay.stop();
    }
  });
});
