// The floor for Node: a bare `ws` server that serializes each delta once and writes it to
// every socket of the doc. No store, no ordering, no backpressure checks.
import { WebSocketServer, type WebSocket } from 'ws';
import { LIVE_PATH } from '../../protocol/wire.ts';
import { createBenchServer, listen, snapshotFrame } from './common.ts';

const docs = new Map<string, Set<WebSocket>>();
const server = createBenchServer(() => (docId, frame) => {
  const data = Buffer.from(JSON.stringify(frame));
  for (const socket of docs.get(docId) ?? []) socket.send(data, { binary: false });
});

const wss = new WebSocketServer({ server, path: LIVE_PATH, perMessageDeflate: false });
wss.on('connection', (socket, request) => {
  const share = new URL(request.url ?? '/', 'http://localhost').searchParams.get('share') ?? '';
  let viewers = docs.get(share);
  if (!viewers) docs.set(share, (viewers = new Set()));
  viewers.add(socket);
  socket.send(JSON.stringify(snapshotFrame(share)));
  socket.on('close', () => viewers.delete(socket));
});

listen(server);
