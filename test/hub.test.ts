// The hub on its own: a real SQLite store and local bus, with sockets that record what they get.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { LocalBus } from '../relay/bus/local.ts';
import { Hub, type HubMetrics } from '../relay/hub/hub.ts';
import { Ingestor } from '../relay/ingest/ingest.ts';
import { openSqlite } from '../relay/store/open.ts';
import type { DocRecord, Store } from '../relay/store/store.ts';

class RecordingSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: Buffer[] = [];
  closedWith: number | null = null;
  send(data: Buffer) {
    this.sent.push(data);
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
  ping() {}
  terminate() {
    this.close(1006);
  }
  frames() {
    return this.sent.map((b) => JSON.parse(String(b)));
  }
}

const noMetrics: HubMetrics = { viewerJoined() {}, viewerLeft() {}, docsLoaded() {}, fanout() {}, slowConsumerClosed() {}, limitClosed() {} };
const limits = { cellsPerRequest: 50_000, cellsPerDoc: 100_000, bodyBytes: 1 << 20, charsPerCell: 50_000 };

let hub: Hub;
let store: Store;
afterEach(async () => {
  hub?.close();
  await store?.close();
});

async function setUp(): Promise<{ bus: LocalBus; ingestor: Ingestor; doc: DocRecord }> {
  ({ store } = openSqlite(':memory:', { historyLimit: 100, batchIdLimit: 100 }));
  const bus = new LocalBus();
  hub = new Hub(store, bus, { maxBufferedBytes: 1 << 20, maxViewersPerDoc: 100, maxConnectionsPerIp: 100, viewerFramesPerMinute: 60, pingIntervalMs: 60_000, presenceIntervalMs: 60_000 }, noMetrics, () => {});
  const ingestor = new Ingestor(store, bus, limits, { batch() {} });
  const doc = await store.createDoc({
    docId: 'd1', shareId: 's1', ownerId: 'admin', spreadsheetId: 'x', title: 'T',
    ranges: [{ sheet: 'S', range: 'A1:C3' }], access: 'link', allow: [], ingestKeyHash: 'h',
  });
  return { bus, ingestor, doc };
}

const edit = (ingestor: Ingestor, doc: DocRecord, value: string) =>
  ingestor.apply(doc, { batchId: value, at: Date.now(), grids: [{ sheet: 'S', range: 'A1', values: [[value]] }] }, 'edits');

describe('the hub', () => {
  it('serializes each frame once, however many viewers it goes to', async () => {
    const { ingestor, doc } = await setUp();
    const sockets = [new RecordingSocket(), new RecordingSocket(), new RecordingSocket()];
    for (const s of sockets) await hub.join(s as unknown as WebSocket, 's1', '127.0.0.1', null);
    await edit(ingestor, doc, 'x');
    const deltas = sockets.map((s) => s.sent[1]!);
    expect(JSON.parse(String(deltas[0]))).toMatchObject({ type: 'delta', seq: 1 });
    // the very same buffer object went to every socket
    expect(deltas[1]).toBe(deltas[0]);
    expect(deltas[2]).toBe(deltas[0]);
    // and so did the snapshot, serialized once for every joiner at that seq
    expect(sockets[1]!.sent[0]).toBe(sockets[0]!.sent[0]);
  });

  it('fills a seq gap from the store before sending anything on (a bus lost a delta)', async () => {
    const { bus, doc } = await setUp();
    const socket = new RecordingSocket();
    await hub.join(socket as unknown as WebSocket, 's1', '127.0.0.1', null);
    // Two batches reach the store, but their bus messages are lost...
    const silent = new Ingestor(store, { publish() {}, subscribe() {}, follow: async () => {}, unfollow() {}, ping: async () => {}, close: async () => {} }, limits, { batch() {} });
    await edit(silent, doc, 'lost-1');
    await edit(silent, doc, 'lost-2');
    // ...and the next one arrives: the hub must not skip to seq 3.
    const third = await store.applyBatch(doc.docId, { batchId: 'b3', at: Date.now(), epoch: doc.epoch, writes: [{ sheet: 'S', row: 2, col: 2, value: 'third' }], areas: [{ sheet: 'S', rect: { top: 2, left: 2, bottom: 2, right: 2 } }], formats: [], incoming: 1 });
    bus.publish({ type: 'delta', delta: third!.delta! });
    await expect.poll(() => socket.frames().filter((f) => f.type === 'delta').length).toBe(3);
    expect(socket.frames().filter((f) => f.type === 'delta').map((f) => f.seq)).toEqual([1, 2, 3]);
    // a duplicate delivery is ignored
    bus.publish({ type: 'delta', delta: third!.delta! });
    expect(socket.frames().filter((f) => f.type === 'delta')).toHaveLength(3);
  });

  it('catches every loaded doc up from the store when the bus says it may have missed messages', async () => {
    const { bus, doc } = await setUp();
    const socket = new RecordingSocket();
    await hub.join(socket as unknown as WebSocket, 's1', '127.0.0.1', null);
    const silent = new Ingestor(store, { publish() {}, subscribe() {}, follow: async () => {}, unfollow() {}, ping: async () => {}, close: async () => {} }, limits, { batch() {} });
    await edit(silent, doc, 'missed while the bus was down');
    expect(socket.frames().filter((f) => f.type === 'delta')).toEqual([]);
    bus.publish({ type: 'resync' });
    await expect.poll(() => socket.frames().filter((f) => f.type === 'delta').map((f) => f.seq)).toEqual([1]);
  });

  it('is behind from the bus coming back until every loaded doc has re-read the store, retrying a store that fails', async () => {
    const { bus } = await setUp();
    const socket = new RecordingSocket();
    await hub.join(socket as unknown as WebSocket, 's1', '127.0.0.1', null);
    expect(hub.behind).toBe(false);
    // The database is away for the first read after the bus comes back.
    const getDoc = store.getDoc.bind(store);
    let failures = 1;
    store.getDoc = async (docId) => (failures-- > 0 ? Promise.reject(new Error('connection terminated')) : getDoc(docId));
    bus.publish({ type: 'resync' });
    expect(hub.behind).toBe(true);
    await expect.poll(() => failures).toBe(-1);
    await expect.poll(() => hub.behind).toBe(false);
    expect(socket.closedWith).toBe(null);
  });

  it('keeps one live doc when a viewer\'s share lookup finishes after the doc was loaded for another', async () => {
    const { ingestor, doc } = await setUp();
    // A store whose lookups answer late, as a database over the network can.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowLookup = store.getDocByShare.bind(store);
    let calls = 0;
    store.getDocByShare = async (shareId) => (calls++ === 1 ? gate.then(() => slowLookup(shareId)) : slowLookup(shareId));
    const [first, second] = [new RecordingSocket(), new RecordingSocket()];
    // Both arrive before the doc is loaded; the second's lookup answers after the first joined.
    const early = hub.join(first as unknown as WebSocket, 's1', '127.0.0.1', null);
    const late = hub.join(second as unknown as WebSocket, 's1', '127.0.0.1', null);
    await early;
    release();
    await late;
    await edit(ingestor, doc, 'x');
    for (const socket of [first, second]) expect(socket.frames().map((f) => f.type)).toEqual(['snapshot', 'delta']);
  });

  it('keeps sending to a viewer who loaded the doc again while it started over for a viewer who has left', async () => {
    const { bus, ingestor, doc } = await setUp();
    const first = new RecordingSocket();
    await hub.join(first as unknown as WebSocket, 's1', '127.0.0.1', null);
    // New settings: the doc starts over from the store, which answers late...
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const getDoc = store.getDoc.bind(store);
    let answered!: Promise<DocRecord | null>;
    store.getDoc = (docId) => (answered = gate.then(() => getDoc(docId)));
    bus.publish({ type: 'doc', docId: doc.docId, event: 'settings' });
    // ...and meanwhile its only viewer leaves and another one loads it again.
    first.close(1000);
    const second = new RecordingSocket();
    await hub.join(second as unknown as WebSocket, 's1', '127.0.0.1', null);
    release();
    await answered;
    // What is left of starting over runs in microtasks, all done before the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    await edit(ingestor, doc, 'x');
    expect(second.frames().map((f) => f.type)).toEqual(['snapshot', 'delta']);
  });

  it('closes a viewer whose send buffer is over the bound with 4408 and keeps sending to the rest', async () => {
    const { ingestor, doc } = await setUp();
    const [slow, fine] = [new RecordingSocket(), new RecordingSocket()];
    await hub.join(slow as unknown as WebSocket, 's1', '127.0.0.1', null);
    await hub.join(fine as unknown as WebSocket, 's1', '127.0.0.1', null);
    slow.bufferedAmount = 2 << 20;
    await edit(ingestor, doc, 'x');
    expect(slow.closedWith).toBe(4408);
    expect(slow.sent).toHaveLength(1); // the snapshot only
    expect(fine.frames().map((f) => f.type)).toEqual(['snapshot', 'delta']);
  });
});
