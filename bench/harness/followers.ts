// Viewers that outlive their relay: each follows a share on one relay and, when that relay goes
// away (close 1001), resumes on another with its epoch and last seq, as a real client does. They
// count every seq they were given, so a run can say that none was lost or repeated.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { LIVE_PATH, type LiveFrame } from '../../protocol/wire.ts';

interface Follower {
  epoch: number;
  seq: number;
  gaps: number;
  repeats: number;
  /** ms from the 1001 close to the resumed socket's open, once it moved. */
  resumedMs: number | null;
  socket: WebSocket;
}

const followers: Follower[] = [];

function liveUrl(url: string, share: string, resume: { epoch: number; seq: number } | null): string {
  const query = resume ? `&epoch=${resume.epoch}&seq=${resume.seq}` : '';
  return `${url.replace(/^http/, 'ws')}${LIVE_PATH}?share=${encodeURIComponent(share)}${query}`;
}

function attach(f: Follower, socket: WebSocket, share: string, fallback: string): void {
  f.socket = socket;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as LiveFrame;
    if (frame.type === 'snapshot') [f.epoch, f.seq] = [frame.epoch, frame.seq];
    if (frame.type !== 'delta') return;
    if (frame.seq <= f.seq) f.repeats++;
    else if (frame.seq !== f.seq + 1) f.gaps++;
    f.seq = Math.max(f.seq, frame.seq);
  });
  socket.once('close', (code) => {
    if (code !== 1001) return;
    const closedAt = performance.now();
    const next = new WebSocket(liveUrl(fallback, share, { epoch: f.epoch, seq: f.seq }), { perMessageDeflate: false });
    next.once('open', () => (f.resumedMs = performance.now() - closedAt));
    attach(f, next, share, fallback);
  });
}

export const followerCommands = {
  /** Opens `count` followers of `share` on `url` that resume on `fallback` if `url` goes away. */
  async follow(args: { url: string; fallback: string; share: string; count: number; concurrency: number }) {
    let opened = 0;
    const open = () =>
      new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(liveUrl(args.url, args.share, null), { perMessageDeflate: false });
        const f: Follower = { epoch: 0, seq: -1, gaps: 0, repeats: 0, resumedMs: null, socket };
        socket.once('error', reject);
        socket.once('message', () => {
          followers.push(f);
          resolve();
        });
        attach(f, socket, args.share, args.fallback);
      });
    const worker = async () => {
      while (opened < args.count) {
        opened++;
        await open();
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.concurrency, args.count) }, worker));
    return { followers: followers.length };
  },

  /** Where every follower is: its last seq, gaps, repeats, and how long its move took. */
  async followers() {
    const result = {
      lastSeqs: followers.map((f) => f.seq),
      gaps: followers.reduce((n, f) => n + f.gaps, 0),
      repeats: followers.reduce((n, f) => n + f.repeats, 0),
      resumedMs: followers.flatMap((f) => (f.resumedMs === null ? [] : [f.resumedMs])),
    };
    for (const f of followers.splice(0)) f.socket.terminate();
    return result;
  },
};
