// Several relay processes on one Postgres and one Redis, as behind a load balancer with no
// sticky sessions: an edit taken by any instance reaches viewers on every instance, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { api, cell, connectViewer, eventually, postEdits, publishDoc, snapshotOf, startRelay, type Relay } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: Relay;
let b: Relay;

beforeAll(async () => {
  database = await freshDatabase();
  const env = { ...clusterEnv(database.url), SHEETCAST_PRESENCE_MS: '100' };
  a = await startRelay({ env });
  b = await startRelay({ env });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
});

describe('several relays on Postgres and Redis', () => {
  it('sends an edit taken by either instance to viewers on both, with one sequence', async () => {
    const doc = await publishDoc(a);
    const [onA, onB] = [await connectViewer(a, doc.shareId), await connectViewer(b, doc.shareId)];
    await onA.next('snapshot');
    await onB.next('snapshot');
    expect((await postEdits(a, doc, [cell('A1', 'via a')])).body.seq).toBe(1);
    expect((await postEdits(b, doc, [cell('B2', 'via b')])).body.seq).toBe(2);
    for (const viewer of [onA, onB]) {
      expect(await viewer.next('delta')).toMatchObject({ seq: 1, changes: [{ range: 'A1', values: [['via a']] }] });
      expect(await viewer.next('delta')).toMatchObject({ seq: 2, changes: [{ range: 'B2', values: [['via b']] }] });
    }
    // and a batch retried through the other instance is still recognised
    const first = await postEdits(a, doc, [cell('C3', 'once')], { batchId: 'retried' });
    const again = await postEdits(b, doc, [cell('C3', 'once')], { batchId: 'retried' });
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    onA.close();
    onB.close();
  });

  it('keeps every viewer in order while both instances take edits at once', async () => {
    const doc = await publishDoc(a, { ranges: [{ sheet: 'Sheet1', range: 'A1:B20' }] });
    const viewers = [await connectViewer(a, doc.shareId), await connectViewer(b, doc.shareId)];
    for (const v of viewers) await v.next('snapshot');
    await Promise.all(
      [a, b].map(async (relay, i) => {
        for (let n = 1; n <= 20; n++) await postEdits(relay, doc, [cell(`${'AB'[i]}${n}`, `${i}-${n}`)]);
      }),
    );
    for (const v of viewers) {
      const seqs = [];
      for (let n = 0; n < 40; n++) seqs.push((await v.next('delta')).seq);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
      v.close();
    }
    expect((await snapshotOf(b, doc.shareId)).ranges[0]!.values[19]).toEqual(['0-20', '1-20']);
  });

  it('counts viewers across instances', async () => {
    const doc = await publishDoc(b);
    const onA = await connectViewer(a, doc.shareId);
    const onB = await connectViewer(b, doc.shareId);
    await eventually(() => {
      expect(onA.all('presence').at(-1)?.viewers).toBe(2);
      expect(onB.all('presence').at(-1)?.viewers).toBe(2);
    });
    onB.close();
    await eventually(() => expect(onA.all('presence').at(-1)?.viewers).toBe(1));
    onA.close();
  });

  it('lets a viewer resume on another instance with exactly the deltas it missed', async () => {
    const doc = await publishDoc(a);
    const viewer = await connectViewer(a, doc.shareId);
    const { epoch } = await viewer.next('snapshot');
    await postEdits(a, doc, [cell('A1', '1')]);
    const seen = await viewer.next('delta');
    viewer.close();
    await postEdits(a, doc, [cell('A1', '2')]);
    await postEdits(b, doc, [cell('A1', '3')]);
    const back = await connectViewer(b, doc.shareId, { epoch, seq: seen.seq });
    expect(await back.next()).toMatchObject({ type: 'delta', seq: 2 });
    expect(await back.next()).toMatchObject({ type: 'delta', seq: 3 });
    back.close();
  });

  it('closes viewers on every instance when the doc is unpublished through one', async () => {
    const doc = await publishDoc(a);
    const onA = await connectViewer(a, doc.shareId);
    await onA.next('snapshot');
    expect((await api(b, 'DELETE', `/v1/docs/${doc.docId}`, { token: b.adminToken })).status).toBe(204);
    expect((await onA.closed).code).toBe(CloseCode.UnknownShare);
  });

  it('sends a new epoch\'s snapshot to viewers on every instance when the ranges change', async () => {
    const doc = await publishDoc(a);
    const onB = await connectViewer(b, doc.shareId);
    await onB.next('snapshot');
    await api(a, 'PATCH', `/v1/docs/${doc.docId}`, { token: a.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'A1:D4' }] } });
    expect(await onB.next('snapshot')).toMatchObject({ epoch: 2, ranges: [{ range: 'A1:D4' }] });
    onB.close();
  });
});

/** Deltas relay `r` received from the other relays, as its /metrics counts them. */
async function deltasHeard(r: Relay): Promise<number> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return Number(/^sheetcast_bus_messages_received_total\{type="delta"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe("each doc's deltas go only to relays with viewers of it", () => {
  it('a relay subscribes when its first viewer of a doc comes, unsubscribes when the last leaves, and resubscribes with no gap', async () => {
    const doc = await publishDoc(a);
    const onA = await connectViewer(a, doc.shareId);
    await onA.next('snapshot');
    const before = await deltasHeard(b);
    // b has no viewer of the doc: a's deltas never reach it
    for (const value of ['1', '2']) await postEdits(a, doc, [cell('A1', value)]);
    await onA.next('delta');
    await onA.next('delta');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deltasHeard(b)).toBe(before);
    // a viewer on b: b follows the doc
    const onB = await connectViewer(b, doc.shareId);
    expect(await onB.next('snapshot')).toMatchObject({ seq: 2 });
    await postEdits(a, doc, [cell('A1', '3')]);
    expect(await onB.next('delta')).toMatchObject({ seq: 3 });
    expect(await deltasHeard(b)).toBe(before + 1);
    // the last viewer on b leaves: b stops hearing the doc
    onB.close();
    await onB.closed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const value of ['4', '5']) await postEdits(a, doc, [cell('A1', value)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deltasHeard(b)).toBe(before + 1);
    // it comes back resuming from seq 3: exactly 4 and 5, then live again
    const back = await connectViewer(b, doc.shareId, { epoch: 1, seq: 3 });
    expect([(await back.next('delta')).seq, (await back.next('delta')).seq]).toEqual([4, 5]);
    await postEdits(a, doc, [cell('A1', '6')]);
    expect(await back.next('delta')).toMatchObject({ seq: 6 });
    back.close();
    onA.close();
  });
});
