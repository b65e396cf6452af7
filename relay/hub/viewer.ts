// What the hub needs of a viewer's connection: the part of a `ws` WebSocket it uses. A WebSocket
// is one as it is; a Server-Sent Events stream (`sse-viewer.ts`) is one through an adapter, so
// both kinds of viewer share the same join, catch-up, fan-out, admission and presence.

export interface Viewer {
  /** Sends one pre-serialized frame of the live protocol (JSON text). */
  send(frame: Buffer, options: { binary: false }): void;
  /** Ends the connection with a live-protocol close code. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (a peer that stopped answering). */
  terminate(): void;
  /** A keep-alive; an answer comes as the `pong` event. */
  ping(): void;
  /** Bytes queued for the peer and not yet written to the network. */
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly OPEN: number;
  on(event: 'close' | 'pong' | 'message' | 'ping', listener: () => void): this;
  once(event: 'close', listener: () => void): this;
  off(event: 'message' | 'ping', listener: () => void): this;
}
