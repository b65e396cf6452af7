// @sheetcast/client as developers get it: the built package (client/dist/index.js) in Node,
// against the real relay, over WebSocket and over Server-Sent Events, through a relay restart.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, Subscription } from '../client/src/index.ts';
import { cell, eventually, postEdits, publishDoc, putSnapshot, snapshotOf, startRelay, type Relay } from './helpers/index.ts';

const CLIENT_DIST = new URL('../client/dist/index.js', import.meta.url).href;
const { subscribe } = (await import(CLIENT_DIST)) as typeof import('../client/src/index.ts');

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(() => relay.stop());

const BOARD = [['Team', 'Points'], ['Ada', '10'], ['Grace', '7']];

async function board() {
  const doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:B3' }] });
  await putSnapshot(relay, doc, [{ sheet: 'Sheet1', range: 'A1:B3', values: BOARD }]);
  return doc;
}

/** Everything a subscription saw, for the assertions. */
function record(transports?: ('websocket' | 'sse')[], relayUrl = relay.url) {
  const seen = { rows: [] as Record<string, string>[][], changes: [] as Change[] };
  return {
    seen,
    open: (share: string): Subscription =>
      subscribe(relayUrl, share, {
        transports,
        baseDelayMs: 50,
        maxDelayMs: 200,
        onRows: (rows) => seen.rows.push(rows),
        onChange: (change) => seen.changes.push(change),
      }),
  };
}

describe.each([['websocket'], ['sse']] as const)('over %s', (transport) => {
  it('gives rows and cells at once, then on every change', async () => {
    const doc = await board();
    const { seen, open } = record([transport]);
    const live = open(doc.shareId);
    await eventually(() => expect(seen.rows.at(-1)).toEqual([{ Team: 'Ada', Points: '10' }, { Team: 'Grace', Points: '7' }]));
    expect(live.state.transport).toBe(transport);
    await postEdits(relay, doc, [cell('B3', '12')]);
    await eventually(() => expect(seen.rows.at(-1)).toEqual([{ Team: 'Ada', Points: '10' }, { Team: 'Grace', Points: '12' }]));
    expect(live.cell('B3')).toBe('12');
    expect(live.cell('Sheet1!A2')).toBe('Ada');
    expect(live.cell('Z99')).toBeUndefined();
    expect(seen.changes.at(-1)).toMatchObject({ kind: 'delta', seq: 2, changes: [{ range: 'B3', values: [['12']] }] });
    live.close();
  });
});

it('falls back to Server-Sent Events where a proxy refuses WebSocket upgrades', async () => {
  const doc = await board();
  // A plain HTTP proxy that passes requests on and drops every upgrade, as some networks do.
  const proxy: Server = createServer((req, res) => {
    const upstream = request(`${relay.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('upgrade', (_req, socket) => socket.destroy());
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { seen, open } = record(undefined, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  const live = open(doc.shareId);
  await eventually(() => expect(seen.rows.at(-1)).toHaveLength(2));
  expect(live.state.transport).toBe('sse');
  live.close();
  proxy.closeAllConnections();
  proxy.close();
});

it('resumes after a relay restart with every change and no gap, without starting over', async () => {
  const doc = await board();
  const { seen, open } = record();
  const live = open(doc.shareId);
  await eventually(() => expect(seen.changes).toHaveLength(1));
  await postEdits(relay, doc, [cell('B2', '11')]);
  await eventually(() => expect(live.seq).toBe(2));
  await relay.restart();
  for (const value of ['12', '13', '14']) await postEdits(relay, doc, [cell('B2', value)]);
  await eventually(() => expect(live.seq).toBe(5));
  expect(seen.changes.map((c) => [c.kind, c.seq])).toEqual([['full', 1], ['delta', 2], ['delta', 3], ['delta', 4], ['delta', 5]]);
  expect(live.ranges[0]!.values).toEqual((await snapshotOf(relay, doc.shareId)).ranges[0]!.values);
  live.close();
});
