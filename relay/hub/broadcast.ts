// The hot path: one frame, serialized once, to every viewer of a doc that keeps up. A viewer
// that cannot keep up is closed rather than allowed to hold memory or slow the others; it
// reconnects and resumes (or gets a snapshot).
import type { Viewer } from './viewer.ts';
import { CloseCode } from '../../protocol/wire.ts';
import type { HubMetrics } from './hub.ts';
import type { LiveDoc } from './live-doc.ts';
import type { LiveDocs } from './live-docs.ts';

/** Frames are JSON text, sent as the buffers they were serialized to. */
export const TEXT = { binary: false } as const;

export class Broadcast {
  readonly #maxBufferedBytes: number;
  readonly #metrics: HubMetrics;
  readonly #docs: LiveDocs;

  constructor(maxBufferedBytes: number, metrics: HubMetrics, docs: LiveDocs) {
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#metrics = metrics;
    this.#docs = docs;
  }

  send(live: LiveDoc, frame: Buffer): void {
    const started = performance.now();
    const limit = this.#maxBufferedBytes;
    let sent = 0;
    for (const socket of live.viewers) {
      if (socket.bufferedAmount > limit) {
        this.#dropSlow(live, socket);
        continue;
      }
      socket.send(frame, TEXT);
      sent++;
    }
    this.#metrics.fanout(sent, (performance.now() - started) / 1000);
  }

  #dropSlow(live: LiveDoc, socket: Viewer): void {
    live.viewers.delete(socket);
    this.#metrics.viewerLeft();
    this.#metrics.slowConsumerClosed();
    socket.close(CloseCode.TooSlow, 'too slow: resubscribe');
    this.#docs.unloadIfIdle(live);
  }
}
