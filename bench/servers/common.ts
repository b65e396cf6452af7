// What both comparison servers share: the same HTTP surface as the relay where the bench
// touches it (`/healthz`, `/debug/stats`, `POST /v1/docs/:docId/edits`), with none of its work.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DeltaFrame, EditsRequest, SnapshotFrame } from '../../protocol/wire.ts';

/** Turns an edits POST into the delta frame the relay would send for it (same shape, same size). */
export type Broadcast = (docId: string, frame: DeltaFrame) => void;

const seqs = new Map<string, number>();

export function snapshotFrame(docId: string): SnapshotFrame {
  return { type: 'snapshot', epoch: 1, seq: seqs.get(docId) ?? 0, title: docId, ranges: [] };
}

function stats(): object {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { idle, active } = performance.eventLoopUtilization();
  return { cpu: process.cpuUsage(), elu: { idle, active }, memory: process.memoryUsage(), gc: Boolean(gc) };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

export function createBenchServer(broadcast: () => Broadcast): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') return reply(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/debug/stats') {
      if (url.searchParams.get('gc') === '1') (globalThis as { gc?: () => void }).gc?.();
      return reply(res, 200, stats());
    }
    const edits = /^\/v1\/docs\/([^/]+)\/edits$/.exec(url.pathname);
    if (req.method === 'POST' && edits) {
      const docId = decodeURIComponent(edits[1]!);
      const body = JSON.parse(await readBody(req)) as EditsRequest;
      const seq = (seqs.get(docId) ?? 0) + 1;
      seqs.set(docId, seq);
      broadcast()(docId, { type: 'delta', seq, changes: body.edits });
      return reply(res, 200, { seq, applied: body.edits.length, dropped: 0, duplicate: false });
    }
    reply(res, 404, { error: { code: 'not_found', message: 'no route' } });
  });
}

export function listen(server: Server): void {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
