// What many would pick instead: a Socket.IO server with one room per doc, broadcasting each
// delta with `io.to(room).emit` (Socket.IO encodes a broadcast once for the whole room).
import { Server } from 'socket.io';
import { createBenchServer, listen, snapshotFrame } from './common.ts';

const server = createBenchServer(() => (docId, frame) => io.to(docId).emit('delta', frame));
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
io.on('connection', (socket) => {
  const share = String(socket.handshake.query.share ?? '');
  void socket.join(share);
  socket.emit('snapshot', snapshotFrame(share));
});

listen(server);
