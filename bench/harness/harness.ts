// The client harness: a process of its own holding many viewers (ws, Socket.IO or SSE clients) and
// posting edits, so that every latency is measured on one clock, from sending the POST to a
// viewer's receipt of the delta it caused. Driven by `bench/run.ts` over IPC.
import { Agent, get, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { LIVE_PATH, type EditsRequest, type IngestResult, type LiveFrame } from '../../protocol/wire.ts';
import { followerCommands } from './followers.ts';

type ClientKind = 'ws' | 'socket.io' | 'sse';

/** Each Server-Sent Events viewer holds its own connection, as a browser's would. */
const sseAgent = new Agent({ keepAlive: false });

interface Viewer {
  close(): void;
}

/** An edit on its way: when it was posted and which of its viewers have it. */
interface Pending {
  id: string;
  sent: number;
  expected: number;
  received: number;
  /** Every viewer's latency in ms, when the caller wants them all. */
  samples: number[] | null;
  done: (() => void) | null;
  last: number;
}

const viewers: Viewer[] = [];
const pending = new Map<string, Pending>();
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let editCount = 0;

function onFrame(frame: LiveFrame): void {
  if (frame.type !== 'delta') return;
  const id = frame.changes[0]?.values[0]?.[0];
  const edit = id ? pending.get(id) : undefined;
  if (!edit) return;
  const now = performance.now();
  edit.samples?.push(now - edit.sent);
  if (++edit.received === edit.expected) {
    edit.last = now;
    edit.done?.();
  }
}

/** Opens one viewer; resolves when its first frame (the snapshot) arrives. */
function openViewer(kind: ClientKind, url: string, share: string): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    if (kind === 'ws') {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${LIVE_PATH}?share=${encodeURIComponent(share)}`, { perMessageDeflate: false });
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed with ${code} before the snapshot`)));
      socket.once('message', () => {
        socket.removeAllListeners('close');
        resolve({ close: () => socket.terminate() });
        socket.on('message', (data) => onFrame(JSON.parse(String(data)) as LiveFrame));
      });
    } else if (kind === 'sse') {
      const req = get(`${url}/v1/shares/${encodeURIComponent(share)}/events`, { agent: sseAgent }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        let first = true;
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
            buffer = buffer.slice(end + 2);
            if (!data) continue;
            if (first) {
              first = false;
              resolve({ close: () => req.destroy() });
            } else onFrame(JSON.parse(data.slice(6)) as LiveFrame);
          }
        });
      });
      req.once('error', reject);
    } else {
      const socket: Socket = io(url, { transports: ['websocket'], query: { share }, forceNew: true, reconnection: false });
      socket.once('connect_error', reject);
      socket.once('snapshot', () => resolve({ close: () => socket.disconnect() }));
      socket.on('delta', onFrame);
    }
  });
}

interface PostResult {
  status: number;
  body: string;
}

function post(url: string, token: string, body: unknown): Promise<PostResult> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface DocTarget {
  docId: string;
  token: string;
  /** Viewers of this doc held by this harness. */
  viewers: number;
}

/** Posts a one-cell edit whose value is unique, so every delta names the edit that caused it. */
async function postEdit(url: string, doc: DocTarget, cell: string, samples: boolean): Promise<Pending> {
  const id = `e${process.pid}.${++editCount}`;
  const edit: Pending = { id, sent: performance.now(), expected: doc.viewers, received: 0, samples: samples ? [] : null, done: null, last: 0 };
  pending.set(id, edit);
  const body: EditsRequest = { batchId: id, at: Date.now(), edits: [{ sheet: 'Sheet1', range: cell, values: [[id]] }] };
  edit.sent = performance.now();
  const reply = await post(`${url}/v1/docs/${doc.docId}/edits`, doc.token, body);
  if (reply.status !== 200) throw new Error(`edit refused: ${reply.status} ${reply.body}`);
  // Concurrent edits of one cell are ordered by `at`: one that lost to a newer edit changed
  // nothing and sends nothing (SPEC.md, last-writer-wins), so no viewer waits for it.
  if ((JSON.parse(reply.body) as IngestResult).applied === 0) edit.expected = 0;
  return edit;
}

function settled(edit: Pending, timeoutMs: number): Promise<void> {
  if (edit.received >= edit.expected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${edit.received} of ${edit.expected} viewers got the edit`)), timeoutMs);
    edit.done = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** The cells of the docs the bench publishes (A1:C3). */
const CELLS = ['A1', 'B1', 'C1', 'A2', 'B2', 'C2', 'A3', 'B3', 'C3'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const commands = {
  ...followerCommands,
  /** Opens `perShare` more viewers of each share, `concurrency` handshakes at a time. */
  async connect(args: { client: ClientKind; url: string; shares: string[]; perShare: number; concurrency: number }) {
    const queue = args.shares.flatMap((share) => Array.from({ length: args.perShare }, () => share));
    let next = 0;
    const worker = async () => {
      while (next < queue.length) viewers.push(await openViewer(args.client, args.url, queue[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(args.concurrency, queue.length) }, worker));
    return { viewers: viewers.length };
  },

  /** One edit, closed loop: ms from posting to the last viewer's receipt, and to every viewer's. */
  async edit(args: { url: string; doc: DocTarget }) {
    const edit = await postEdit(args.url, args.doc, 'A1', true);
    await settled(edit, 60_000);
    pending.delete(edit.id);
    const sorted = edit.samples!.sort((a, b) => a - b);
    return { lastMs: edit.last - edit.sent, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, deliveries: sorted };
  },

  /**
   * Open loop: `rate` edits a second for `durationMs`, spread round-robin over `docs`, each sent
   * on schedule whether or not the previous ones arrived. Latency of every delivery, and of the
   * last delivery of each edit.
   */
  async steady(args: { url: string; docs: DocTarget[]; rate: number; durationMs: number }) {
    const edits: Pending[] = [];
    const posts: Promise<unknown>[] = [];
    const total = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / args.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const doc = args.docs[i % args.docs.length]!;
      // Round the doc's nine cells, so that concurrent edits seldom race for one cell.
      posts.push(postEdit(args.url, doc, CELLS[Math.floor(i / args.docs.length) % CELLS.length]!, true).then((edit) => edits.push(edit)));
    }
    await Promise.all(posts);
    const sent = edits.filter((edit) => edit.expected > 0);
    const late = await Promise.allSettled(sent.map((edit) => settled(edit, 30_000)));
    pending.clear();
    const lost = late.filter((r) => r.status === 'rejected').length;
    return {
      edits: sent.length,
      superseded: edits.length - sent.length,
      lost,
      seconds: (performance.now() - started) / 1000,
      deliveries: sent.flatMap((e) => e.samples!),
      lastMs: sent.filter((e) => e.last > 0).map((e) => e.last - e.sent),
    };
  },

  /** `concurrency` posters, each posting its next one-cell edit as soon as the last is answered. */
  async ingest(args: { url: string; doc: DocTarget; concurrency: number; durationMs: number; columns: number; rows: number }) {
    let done = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = started + args.durationMs;
    const latencies: number[] = [];
    const poster = async (n: number) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const cell = `${String.fromCharCode(65 + ((n + i) % args.columns))}${1 + ((i * 7 + n) % args.rows)}`;
        const id = `i${process.pid}.${n}.${i}`;
        const sent = performance.now();
        const reply = await post(`${args.url}/v1/docs/${args.doc.docId}/edits`, args.doc.token, {
          batchId: id,
          at: Date.now(),
          edits: [{ sheet: 'Sheet1', range: cell, values: [[id]] }],
        });
        latencies.push(performance.now() - sent);
        if (reply.status === 200) done++;
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, (_, n) => poster(n)));
    return { done, failed, seconds: (performance.now() - started) / 1000, latencies };
  },

  /** A newly connecting viewer, `repeats` times: ms from opening the socket to the whole snapshot. */
  async snapshot(args: { url: string; share: string; repeats: number; editBefore?: DocTarget }) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < args.repeats; i++) {
      if (args.editBefore) {
        const edit = await postEdit(args.url, args.editBefore, 'A1', false);
        pending.delete(edit.id);
      }
      const started = performance.now();
      const socket = new WebSocket(`${args.url.replace(/^http/, 'ws')}${LIVE_PATH}?share=${encodeURIComponent(args.share)}`, { perMessageDeflate: false });
      const data = await new Promise<Buffer>((resolve, reject) => {
        socket.once('message', (d) => resolve(d as Buffer));
        socket.once('error', reject);
      });
      times.push(performance.now() - started);
      bytes = data.length;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    }
    return { times, bytes };
  },

  async closeAll() {
    for (const viewer of viewers.splice(0)) viewer.close();
    return { viewers: 0 };
  },
};

type Command = keyof typeof commands;

process.on('message', async (raw) => {
  const message = raw as { id: number; command: Command; args: never };
  const before = performance.eventLoopUtilization();
  try {
    const result = await commands[message.command](message.args);
    const { utilization } = performance.eventLoopUtilization(before);
    process.send!({ id: message.id, result: { ...result, harnessUtilization: Math.round(utilization * 1000) / 1000 } });
  } catch (error) {
    process.send!({ id: message.id, error: (error as Error).stack ?? String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
