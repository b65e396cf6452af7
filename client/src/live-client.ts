// The client side of the live protocol (SPEC.md, "Live protocol"), in browsers and Node: one
// connection per share, over a WebSocket or, where those are refused, Server-Sent Events; seq
// continuity checked on every delta, resume by epoch/seq, jittered backoff, and every close
// code turned into a sentence for the person looking at the page.
import { CloseCode } from '../../protocol/wire.ts';
import type { DeltaFrame, LiveFrame, SnapshotFrame } from '../../protocol/wire.ts';
import { backoffDelay } from './backoff.ts';
import { ClientClose, openEventStream, openWebSocket, type Connection, type TransportName } from './transports.ts';

export { liveUrl } from './transports.ts';
export type { TransportName } from './transports.ts';

/**
 * - `connecting`: the first connection is being made.
 * - `live`: the socket is open and the view follows the sheet.
 * - `reconnecting`: the socket dropped; the last values stay on screen until it resumes.
 * - `offline`: the browser says there is no network; reconnects when it comes back.
 * - `stopped`: the relay refused the share (sign-in, allow list, unknown, unpublished).
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'stopped';

export interface LiveState {
  status: LiveStatus;
  /** What the viewer should know about the connection, in words; empty while all is well. */
  message: string;
  /** Viewers of this share as last reported by the relay, or null before the first report. */
  viewers: number | null;
  /** Why the relay refused the share (`stopped`): its close code, or null. */
  closeCode: number | null;
  /** How the frames arrive now, or null before the first connection opened. */
  transport?: TransportName | null;
}

export interface LiveListener {
  snapshot(frame: SnapshotFrame): void;
  delta(frame: DeltaFrame): void;
  state(state: LiveState): void;
}

export interface LiveClientOptions {
  /** Base URL of the relay (`https://relay.example/`); `/v1/live` is resolved against it. */
  relay: string;
  share: string;
  listener: LiveListener;
  /** First backoff step; each failed attempt doubles it up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The ways to try, in order (default: WebSocket, then Server-Sent Events). After a transport
   * fails to connect twice in a row the next is tried; one that connected is kept.
   */
  transports?: TransportName[];
}

const OPENERS = { websocket: openWebSocket, sse: openEventStream } as const;
/** Attempts that never connect before the next transport is tried. */
const FAILED_OPENS_BEFORE_SWITCH = 2;

/** Closes the relay sends when the share cannot be shown: retrying would not help. */
const FINAL_CLOSES: ReadonlySet<number> = new Set([CloseCode.SignInNeeded, CloseCode.NotAllowed, CloseCode.UnknownShare]);

const SEQ_GAP_CLOSE = ClientClose.SeqGap;

export function closeMessage(code: number, unpublished: boolean): string {
  if (unpublished) return 'The publisher stopped sharing this sheet.';
  switch (code) {
    case CloseCode.SignInNeeded:
      return 'This sheet is private: sign in with a Google account that has access to see it.';
    case CloseCode.NotAllowed:
      return 'Your account is not on the list of people who may see this sheet.';
    case CloseCode.UnknownShare:
      return 'This sheet is not published: the link may be wrong, or sharing was stopped.';
    case CloseCode.TooSlow:
      return 'The connection fell behind; catching up…';
    case CloseCode.TooManyConnections:
      return 'Too many open connections from this network; trying again shortly.';
    case SEQ_GAP_CLOSE:
      return 'An update went missing; catching up…';
    default:
      return 'Connection lost; reconnecting…';
  }
}

export class LiveClient {
  private readonly _options: Required<LiveClientOptions>;
  private _socket: Connection | null = null;
  private _transport = 0;
  private _failedOpens = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _attempt = 0;
  private _epoch: number | null = null;
  private _seq: number | null = null;
  private _unpublished = false;
  private _running = false;
  private _state: LiveState = { status: 'connecting', message: '', viewers: null, closeCode: null };

  constructor(options: LiveClientOptions) {
    this._options = {
      ...options,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 15_000,
      transports: options.transports ?? ['websocket', 'sse'],
    };
    if (this._options.transports.length === 0) throw new Error('transports: name at least one');
  }

  get state(): LiveState {
    return this._state;
  }

  /** The epoch and last applied seq, which a reconnect resumes from. */
  get position(): { epoch: number; seq: number } | null {
    return this._epoch === null || this._seq === null ? null : { epoch: this._epoch, seq: this._seq };
  }

  start(): void {
    if (this._running) return;
    this._running = true;
    globalThis.addEventListener?.('online', this._onOnline);
    globalThis.addEventListener?.('offline', this._onOffline);
    this._connect();
  }

  stop(): void {
    this._running = false;
    globalThis.removeEventListener?.('online', this._onOnline);
    globalThis.removeEventListener?.('offline', this._onOffline);
    this._clearTimer();
    this._dropSocket(1000, 'viewer left');
  }

  private _connect(): void {
    this._clearTimer();
    if (!this._running) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this._setState({ status: 'offline', message: 'You are offline; the view resumes when the network is back.' });
      return;
    }
    const transport = this._options.transports[this._transport % this._options.transports.length]!;
    const connection: Connection = OPENERS[transport](this._options.relay, this._options.share, this.position, {
      open: () => {
        if (this._socket !== connection) return;
        this._failedOpens = 0;
        this._setState({ status: 'live', message: '', transport });
      },
      frame: (text) => {
        if (this._socket !== connection) return;
        let frame: LiveFrame;
        try {
          frame = JSON.parse(text) as LiveFrame;
        } catch {
          // A frame we cannot read may have been a delta: treat it as a gap and resume.
          this._dropSocket(SEQ_GAP_CLOSE, 'unreadable frame');
          this._onClose(SEQ_GAP_CLOSE);
          return;
        }
        this._onFrame(frame);
      },
      closed: (code, opened) => {
        if (this._socket !== connection) return;
        // A transport that cannot even connect may be refused on this network: try the next.
        if (!opened && ++this._failedOpens >= FAILED_OPENS_BEFORE_SWITCH) {
          this._failedOpens = 0;
          this._transport++;
        }
        this._onClose(code);
      },
    });
    this._socket = connection;
  }

  private _onFrame(frame: LiveFrame): void {
    switch (frame.type) {
      case 'snapshot':
        this._epoch = frame.epoch;
        this._seq = frame.seq;
        this._attempt = 0;
        this._options.listener.snapshot(frame);
        break;
      case 'delta':
        if (this._seq === null || frame.seq !== this._seq + 1) {
          // A skipped or repeated seq means this socket's stream cannot be trusted: start over
          // from the last seq applied, without touching what is on screen.
          this._dropSocket(SEQ_GAP_CLOSE, 'seq gap');
          this._onClose(SEQ_GAP_CLOSE);
          return;
        }
        this._seq = frame.seq;
        this._attempt = 0;
        this._options.listener.delta(frame);
        break;
      case 'presence':
        this._attempt = 0;
        this._setState({ viewers: frame.viewers });
        break;
      case 'closed':
        this._unpublished = true;
        break;
    }
  }

  private _onClose(code: number): void {
    this._socket = null;
    if (!this._running) return;
    const message = closeMessage(code, this._unpublished);
    if (this._unpublished || FINAL_CLOSES.has(code)) {
      this._running = false;
      this._setState({ status: 'stopped', message, viewers: null, closeCode: code });
      return;
    }
    // A gap or "too slow" is the relay asking us to resume now; anything else backs off.
    const immediate = code === SEQ_GAP_CLOSE || code === CloseCode.TooSlow;
    const delay = immediate && this._attempt === 0 ? 0 : backoffDelay(this._attempt, code, this._options);
    this._attempt++;
    this._setState({ status: 'reconnecting', message });
    this._timer = setTimeout(() => this._connect(), delay);
  }

  private readonly _onOnline = (): void => {
    if (this._running && !this._socket) {
      this._attempt = 0;
      this._connect();
    }
  };

  private readonly _onOffline = (): void => {
    if (!this._running) return;
    this._dropSocket(1000, 'offline');
    this._clearTimer();
    this._setState({ status: 'offline', message: 'You are offline; the view resumes when the network is back.' });
  };

  private _dropSocket(code: number, reason: string): void {
    const connection = this._socket;
    this._socket = null;
    connection?.close(code, reason);
  }

  private _clearTimer(): void {
    if (this._timer !== null) clearTimeout(this._timer);
    this._timer = null;
  }

  private _setState(patch: Partial<LiveState>): void {
    this._state = { ...this._state, ...patch };
    this._options.listener.state(this._state);
  }
}
