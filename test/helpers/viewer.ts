// A live viewer over a real WebSocket, recording every frame it receives.
import WebSocket from 'ws';
import type { LiveFrame } from '../../protocol/wire.ts';
import type { Relay } from './relay.ts';

export interface Viewer {
  socket: WebSocket;
  /** Every frame received, in order. */
  frames: LiveFrame[];
  /** The next frame not yet taken by `next` (of `type` when given; others are skipped). */
  next<T extends LiveFrame['type']>(type?: T, timeoutMs?: number): Promise<Extract<LiveFrame, { type: T }>>;
  /** Frames of one type received so far. */
  all<T extends LiveFrame['type']>(type: T): Extract<LiveFrame, { type: T }>[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectViewer(relay: Relay, shareId: string, resume?: { epoch: number; seq: number }): Promise<Viewer> {
  const query = new URLSearchParams({ share: shareId });
  if (resume) {
    query.set('epoch', String(resume.epoch));
    query.set('seq', String(resume.seq));
  }
  const socket = new WebSocket(`${relay.wsUrl}/v1/live?${query}`);
  const frames: LiveFrame[] = [];
  let cursor = 0;
  let wake: (() => void) | null = null;
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      wake?.();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  async function next(type?: LiveFrame['type'], timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (cursor < frames.length) {
        const frame = frames[cursor++]!;
        if (!type || frame.type === type) return frame;
      }
      if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type ?? 'a frame'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type ?? 'frame'} within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  return {
    socket,
    frames,
    next,
    all: (type) => frames.filter((f) => f.type === type) as any,
    closed,
    close: () => socket.close(),
  };
}
