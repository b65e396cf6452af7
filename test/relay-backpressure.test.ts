import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { CloseCode } from '../protocol/wire.ts';
import { api, connectViewer, eventually, postEdits, publishDoc, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ env: { SHEETCAST_MAX_BUFFERED_BYTES: '65536' } });
});
afterAll(() => relay.stop());

const slowCloses = async () => {
  const text = (await api(relay, 'GET', '/metrics')).body as string;
  return Number(/^sheetcast_slow_consumer_closes_total (\d+)/m.exec(text)?.[1] ?? 0);
};

describe('a viewer that stops reading', () => {
  it('is closed with 4408 while the others receive every delta in order', async () => {
    const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:J1000' }] });
    const healthy = await connectViewer(relay, doc.shareId);
    const stalled = await connectViewer(relay, doc.shareId);
    await healthy.next('snapshot');
    await stalled.next('snapshot');
    // The stalled viewer's TCP socket stops reading: the kernel buffers fill, then the relay's.
    const tcp = (stalled.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();

    // ~130 KB per delta; keep editing until the relay has given up on the stalled viewer.
    let round = 0;
    const grid = () => Array.from({ length: 1000 }, (_, r) => Array.from({ length: 10 }, (_, c) => `${round}:${r}:${c}`));
    await eventually(
      async () => {
        round++;
        expect((await postEdits(relay, doc, [{ sheet: 'Sheet1', range: 'A1:J1000', values: grid() }])).status).toBe(200);
        expect(await slowCloses()).toBe(1);
      },
      { timeoutMs: 60_000, intervalMs: 0 },
    );

    // The healthy viewer got every delta, in order, and was never closed.
    for (let seq = 1; seq <= round; seq++) expect((await healthy.next('delta', 20_000)).seq).toBe(seq);
    await postEdits(relay, doc, [{ sheet: 'Sheet1', range: 'A1', values: [['after']] }]);
    expect(await healthy.next('delta')).toMatchObject({ seq: round + 1 });

    // Once it reads again, the stalled viewer learns why it was dropped and can resubscribe.
    tcp.resume();
    expect((await stalled.closed).code).toBe(CloseCode.TooSlow);
    const deltas = stalled.all('delta');
    const last = deltas.at(-1)?.seq ?? 0;
    expect(deltas.map((d) => d.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    const back = await connectViewer(relay, doc.shareId, { epoch: 1, seq: last });
    const first = await back.next();
    expect(first.type === 'snapshot' || (first.type === 'delta' && first.seq === last + 1)).toBe(true);
  });
});
