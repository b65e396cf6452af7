// The two ways to the relay's live frames: a WebSocket (`/v1/live`), or Server-Sent Events
// (`/v1/shares/:shareId/events`) read through fetch, for networks that refuse WebSocket
// upgrades. Both hand over each frame's JSON text and end with a live-protocol close code.
import { CloseCode, LIVE_PATH } from '../../protocol/wire.ts';

export type TransportName = 'websocket' | 'sse';

export interface Position {
  epoch: number;
  seq: number;
}

export interface TransportHandlers {
  open(): void;
  frame(text: string): void;
  /** The connection ended: a close code, and whether it had opened at all. */
  closed(code: number, opened: boolean): void;
}

export interface Connection {
  close(code: number, reason: string): void;
}

/** Our own close codes, beside the relay's. */
export const ClientClose = {
  /** A delta did not follow the last applied seq, or a frame could not be read: resume. */
  SeqGap: 4000,
  /** The network failed before or during the connection. */
  Network: 1006,
} as const;

function base(relay: string): string {
  return relay.endsWith('/') ? relay : `${relay}/`;
}

export function liveUrl(relay: string, share: string, resume: Position | null): string {
  const url = new URL(LIVE_PATH.replace(/^\//, ''), base(relay));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('share', share);
  if (resume) {
    url.searchParams.set('epoch', String(resume.epoch));
    url.searchParams.set('seq', String(resume.seq));
  }
  return url.href;
}

export function eventsUrl(relay: string, share: string): string {
  return new URL(`v1/shares/${encodeURIComponent(share)}/events`, base(relay)).href;
}

export function openWebSocket(relay: string, share: string, resume: Position | null, on: TransportHandlers): Connection {
  const socket = new WebSocket(liveUrl(relay, share, resume));
  let opened = false;
  let done = false;
  socket.onopen = () => {
    opened = true;
    on.open();
  };
  socket.onmessage = (event) => {
    if (!done && typeof event.data === 'string') on.frame(event.data);
  };
  socket.onclose = (event) => {
    if (done) return;
    done = true;
    on.closed(event.code, opened);
  };
  return {
    close(code, reason) {
      done = true;
      if (socket.readyState <= WebSocket.OPEN) socket.close(code, reason);
    },
  };
}

/** What an HTTP refusal before the stream means, in the socket's close codes. */
const STATUS_CLOSE: Record<number, number> = {
  401: CloseCode.SignInNeeded,
  403: CloseCode.NotAllowed,
  404: CloseCode.UnknownShare,
  429: CloseCode.TooManyConnections,
};

export function openEventStream(relay: string, share: string, resume: Position | null, on: TransportHandlers): Connection {
  const abort = new AbortController();
  let done = false;
  let opened = false;
  const finish = (code: number) => {
    if (done) return;
    done = true;
    on.closed(code, opened);
  };
  void (async () => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (resume) headers['last-event-id'] = `${resume.epoch}.${resume.seq}`;
    const response = await fetch(eventsUrl(relay, share), { headers, credentials: 'include', signal: abort.signal, cache: 'no-store' });
    if (!response.ok || !response.body) return finish(STATUS_CLOSE[response.status] ?? ClientClose.Network);
    opened = true;
    on.open();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) return finish(ClientClose.Network);
      buffer += value;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (event === 'close') return finish((JSON.parse(data.join('\n')) as { code: number }).code);
          if (data.length > 0 && !done) on.frame(data.join('\n'));
          [event, data] = ['message', []];
        } else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        // `id:` lines repeat the frame's own epoch and seq; comments keep the stream open.
      }
    }
  })().catch(() => finish(ClientClose.Network));
  return {
    close() {
      done = true;
      abort.abort();
    },
  };
}
