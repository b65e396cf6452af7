import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { api, cell, connectViewer, publishDoc, postEdits, putSnapshot, quietPeriod, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ env: { SHEETCAST_PRESENCE_MS: '100' } });
});
afterAll(() => relay.stop());

describe('live fan-out', () => {
  it('sends a snapshot first, then deltas with consecutive seqs to every viewer', async () => {
    const doc = await publishDoc(relay);
    const viewers = await Promise.all([1, 2, 3].map(() => connectViewer(relay, doc.shareId)));
    for (const v of viewers) {
      const snapshot = await v.next('snapshot');
      expect(snapshot).toMatchObject({ epoch: 1, seq: 0, title: 'Scores' });
      expect(snapshot.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:C3', values: [['', '', ''], ['', '', ''], ['', '', '']] }]);
    }
    for (const [i, value] of ['7', '8', '9'].entries()) {
      const reply = await postEdits(relay, doc, [cell('B2', value)]);
      expect(reply.body).toEqual({ seq: i + 1, applied: 1, dropped: 0, duplicate: false });
    }
    for (const v of viewers) {
      const deltas = [await v.next('delta'), await v.next('delta'), await v.next('delta')];
      expect(deltas.map((d) => d.seq)).toEqual([1, 2, 3]);
      expect(deltas.map((d) => d.changes)).toEqual(
        ['7', '8', '9'].map((value) => [{ sheet: 'Sheet1', range: 'B2', values: [[value]] }]),
      );
    }
  });

  it('marks unchanged cells of a multi-cell edit with null', async () => {
    const doc = await publishDoc(relay);
    await postEdits(relay, doc, [{ sheet: 'Sheet1', range: 'A1:B2', values: [['a', 'b'], ['c', 'd']] }]);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    await postEdits(relay, doc, [{ sheet: 'Sheet1', range: 'A1:B2', values: [['a', 'B'], ['C', 'd']] }]);
    const delta = await viewer.next('delta');
    expect(delta).toEqual({ type: 'delta', seq: 2, changes: [{ sheet: 'Sheet1', range: 'A1:B2', values: [[null, 'B'], ['C', null]] }] });
  });

  it('sends nothing and advances nothing for an edit that changes no cell', async () => {
    const doc = await publishDoc(relay);
    await postEdits(relay, doc, [cell('A1', 'same')]);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const reply = await postEdits(relay, doc, [cell('A1', 'same'), cell('C3', '')]);
    expect(reply.body).toEqual({ seq: 1, applied: 0, dropped: 2, duplicate: false });
    await postEdits(relay, doc, [cell('A2', 'next')]);
    const delta = await viewer.next('delta');
    expect(delta.seq).toBe(2);
    expect(delta.changes).toEqual([{ sheet: 'Sheet1', range: 'A2', values: [['next']] }]);
  });

  it('tells every viewer how many are watching, at most once per interval', async () => {
    const doc = await publishDoc(relay);
    const first = await connectViewer(relay, doc.shareId);
    expect(await first.next('presence')).toEqual({ type: 'presence', viewers: 1 });
    const second = await connectViewer(relay, doc.shareId);
    expect(await first.next('presence')).toEqual({ type: 'presence', viewers: 2 });
    expect(await second.next('presence')).toEqual({ type: 'presence', viewers: 2 });
    second.close();
    expect(await first.next('presence')).toEqual({ type: 'presence', viewers: 1 });
  });

  it('closes a socket for an unknown share with 4404', async () => {
    const viewer = await connectViewer(relay, 'no-such-share');
    expect((await viewer.closed).code).toBe(CloseCode.UnknownShare);
    expect(viewer.frames).toEqual([]);
  });

  it('refuses a live request without a share with 400 before upgrading', async () => {
    await expect(connectViewer(relay, '')).rejects.toThrow(/400/);
  });

  it('closes viewers with a "closed" frame and 4404 when the doc is unpublished', async () => {
    const doc = await publishDoc(relay);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const reply = await api(relay, 'DELETE', `/v1/docs/${doc.docId}`, { token: relay.adminToken });
    expect(reply.status).toBe(204);
    expect(await viewer.next('closed')).toEqual({ type: 'closed', reason: 'unpublished' });
    expect((await viewer.closed).code).toBe(CloseCode.UnknownShare);
    // and the share is gone for newcomers too
    const late = await connectViewer(relay, doc.shareId);
    expect((await late.closed).code).toBe(CloseCode.UnknownShare);
    expect((await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`)).status).toBe(404);
  });

  it('sends a fresh snapshot in a new epoch when the published ranges change', async () => {
    const doc = await publishDoc(relay);
    await postEdits(relay, doc, [cell('A1', 'kept'), cell('C3', 'cut')]);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    const reply = await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, {
      token: relay.adminToken,
      body: { ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.epoch).toBe(2);
    const snapshot = await viewer.next('snapshot');
    expect(snapshot).toMatchObject({ epoch: 2, ranges: [{ sheet: 'Sheet1', range: 'A1:B2', values: [['kept', ''], ['', '']] }] });
    // a cell no longer published is gone from the store: widening again does not bring it back
    await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }] } });
    const widened = await viewer.next('snapshot');
    expect(widened.epoch).toBe(3);
    expect(widened.ranges[0]!.values[2]).toEqual(['', '', '']);
  });

  it('keeps showing the right values when a range moves with its data (rows inserted above it)', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] });
    await postEdits(relay, doc, [{ sheet: 'Sheet1', range: 'A1:B2', values: [['a', 'b'], ['c', 'd']] }]);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'A2:B3' }] } });
    const moved = await viewer.next('snapshot');
    expect(moved).toMatchObject({ epoch: 2, ranges: [{ range: 'A2:B3', values: [['a', 'b'], ['c', 'd']] }] });
    // the add-on's snapshot that follows finds nothing to change
    const reply = await putSnapshot(relay, doc, [{ sheet: 'Sheet1', range: 'A2:B3', values: [['a', 'b'], ['c', 'd']] }]);
    expect(reply.body).toMatchObject({ applied: 0, dropped: 4 });
  });

  it('does not send a frame for an edit to another doc', async () => {
    const [a, b] = await Promise.all([publishDoc(relay), publishDoc(relay)]);
    const viewer = await connectViewer(relay, a.shareId);
    await viewer.next('snapshot');
    await postEdits(relay, b, [cell('A1', 'elsewhere')]);
    await postEdits(relay, a, [cell('A1', 'here')]);
    const delta = await viewer.next('delta');
    expect(delta.changes[0]!.values).toEqual([['here']]);
    await quietPeriod(50);
    expect(viewer.all('delta')).toHaveLength(1);
  });
});
