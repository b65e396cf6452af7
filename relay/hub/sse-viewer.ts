// A viewer over Server-Sent Events (`GET /v1/shares/:shareId/events`): the live protocol's frames
// as `event: <type>`, `id: <epoch>.<seq>` (snapshots and deltas), `data: <the same JSON>`. Frames
// are serialized once for every viewer, so the SSE lines are put around that buffer rather than
// made by a formatting library per viewer (@fastify/sse formats and awaits each message). A close code goes out as `event: close` with
// `{"code","reason"}` before the stream ends.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Viewer } from './viewer.ts';

/** `{"type":"delta","seq":7,…` and `{"type":"snapshot","epoch":2,"seq":7,…`: the key order the relay writes. */
const HEAD = /^\{"type":"([a-z]+)"(?:,"epoch":(\d+))?(?:,"seq":(\d+))?/;
const NEWLINES = Buffer.from('\n\n');
const OPEN = 1;
const CLOSED = 3;

export class SseViewer extends EventEmitter implements Viewer {
  readonly OPEN = OPEN;
  readonly #res: ServerResponse;
  #epoch: number;

  /** `res` has had its headers written; `epoch` is the one a resuming client named (its deltas' ids carry it). */
  constructor(res: ServerResponse, epoch = 0) {
    super();
    this.#res = res;
    this.#epoch = epoch;
    res.on('close', () => this.emit('close'));
  }

  get readyState(): number {
    return this.#res.writableEnded || this.#res.destroyed ? CLOSED : OPEN;
  }

  get bufferedAmount(): number {
    return this.#res.writableLength;
  }

  send(frame: Buffer): void {
    if (this.readyState !== OPEN) return;
    const head = HEAD.exec(frame.subarray(0, 64).toString('latin1'));
    const type = head?.[1] ?? 'message';
    if (head?.[2] !== undefined) this.#epoch = Number(head[2]);
    const id = head?.[3] !== undefined ? `id: ${this.#epoch}.${head[3]}\n` : '';
    // One write, so one chunk on the wire.
    this.#res.write(Buffer.concat([Buffer.from(`event: ${type}\n${id}data: `, 'latin1'), frame, NEWLINES]));
  }

  close(code: number, reason: string): void {
    if (this.readyState !== OPEN) return;
    this.#res.end(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
  }

  terminate(): void {
    this.#res.destroy();
  }

  /** A comment line: writing it is the test, so the answer is at once (a dead peer closes the stream). */
  ping(): void {
    if (this.readyState !== OPEN) return;
    this.#res.write(': ping\n\n');
    this.emit('pong');
  }
}
