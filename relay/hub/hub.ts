// The hub is where an edit leaves the relay: it keeps the docs that have viewers on this
// instance, takes sequenced deltas from the bus, and fans each out as one pre-serialized frame.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, type ClosedFrame, type PresenceFrame, type ShareSnapshot } from '../../protocol/wire.ts';
import { admission } from '../access.ts';
import type { Bus, BusMessage } from '../bus/bus.ts';
import type { Delta, DocRecord, Store } from '../store/store.ts';
import { LiveDoc, toFrame } from './live-doc.ts';

export interface HubOptions {
  maxBufferedBytes: number;
  maxViewersPerDoc: number;
  maxConnectionsPerIp: number;
  pingIntervalMs: number;
  presenceIntervalMs: number;
}

/** What the hub reports; the metrics plugin backs these with prom-client. */
export interface HubMetrics {
  viewerJoined(): void;
  viewerLeft(): void;
  docsLoaded(count: number): void;
  fanout(frames: number, seconds: number): void;
  slowConsumerClosed(): void;
}

export interface Resume {
  epoch: number;
  seq: number;
}

const TEXT = { binary: false } as const;
/** Another instance's presence report counts for this long without news. */
const PRESENCE_TTL_MS = 10_000;

export class Hub {
  readonly instance = randomUUID();
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #options: HubOptions;
  readonly #metrics: HubMetrics;
  readonly #docs = new Map<string, LiveDoc>();
  readonly #byShare = new Map<string, LiveDoc>();
  /** Docs being loaded or caught up, with the deltas that arrived meanwhile. */
  readonly #busy = new Map<string, Delta[]>();
  readonly #loading = new Map<string, Promise<LiveDoc>>();
  readonly #socketDoc = new WeakMap<WebSocket, LiveDoc>();
  /** The verified email a viewer signed in with (restricted shares), checked again on new settings. */
  readonly #socketEmail = new WeakMap<WebSocket, string>();
  readonly #perIp = new Map<string, number>();
  readonly #unanswered = new WeakSet<WebSocket>();
  readonly #timers: NodeJS.Timeout[];
  #closing = false;

  constructor(store: Store, bus: Bus, options: HubOptions, metrics: HubMetrics) {
    this.#store = store;
    this.#bus = bus;
    this.#options = options;
    this.#metrics = metrics;
    bus.subscribe((message) => this.#onBus(message));
    this.#timers = [
      setInterval(() => this.#sendPresence(), options.presenceIntervalMs),
      setInterval(() => this.#pingAll(), options.pingIntervalMs),
    ];
    for (const t of this.#timers) t.unref();
  }

  /** Viewers of a doc across every instance that reports to this one. */
  viewerCount(docId: string): number {
    const live = this.#docs.get(docId);
    if (!live) return 0;
    let n = live.viewers.size;
    const now = Date.now();
    for (const r of live.remoteViewers.values()) if (now - r.seenAt < PRESENCE_TTL_MS) n += r.viewers;
    return n;
  }

  /** The current cells of a share: from memory when it has viewers here, else from the store. */
  async snapshot(doc: DocRecord): Promise<ShareSnapshot | null> {
    return this.#docs.get(doc.docId)?.snapshot() ?? this.#store.readSnapshot(doc.docId);
  }

  /**
   * Subscribes a socket to a share: a snapshot first, or only the missed deltas when the
   * viewer's epoch and seq can be resumed. The socket is added to the doc's viewers in the same
   * tick as its catch-up frames are sent, so it never misses or repeats a seq. `email` is the
   * viewer's verified Google email (from the session), or null for an anonymous viewer.
   */
  async join(socket: WebSocket, shareId: string, ip: string, resume: Resume | null, email: string | null = null): Promise<void> {
    if ((this.#perIp.get(ip) ?? 0) >= this.#options.maxConnectionsPerIp) {
      return socket.close(CloseCode.TooManyConnections, 'too many connections from this address');
    }
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    socket.once('close', () => this.#leave(socket, ip));

    let live = this.#byShare.get(shareId);
    // A doc loaded for this viewer may be unloaded again by the last one leaving; load again.
    while (!live) {
      const doc = await this.#store.getDocByShare(shareId);
      if (!doc) return socket.close(CloseCode.UnknownShare, 'unknown share');
      const loaded = await this.#load(doc);
      if (this.#docs.get(doc.docId) === loaded) live = loaded;
    }
    live.joining++;
    try {
      const refusal = this.#refusal(live, email);
      if (refusal) return socket.close(refusal.code, refusal.reason);
      const catchUp = resume ? await this.#catchUp(live, resume) : null;
      if (this.#docs.get(live.docId) !== live) return socket.close(CloseCode.UnknownShare, 'unpublished');
      if (socket.readyState !== socket.OPEN || this.#closing) return;
      // From here on everything is synchronous: the frames sent equal the doc's state.
      const frames = catchUp && catchUp.epoch === live.epoch ? catchUp.framesTo(live) : null;
      for (const frame of frames ?? [live.snapshotFrame()]) socket.send(frame, TEXT);
      live.viewers.add(socket);
      this.#socketDoc.set(socket, live);
      if (email !== null) this.#socketEmail.set(socket, email);
      socket.on('pong', () => this.#unanswered.delete(socket));
      this.#metrics.viewerJoined();
    } finally {
      live.joining--;
      if (live.viewers.size === 0 && live.joining === 0 && this.#docs.get(live.docId) === live) this.#unload(live);
    }
  }

  #refusal(live: LiveDoc, email: string | null): { code: number; reason: string } | null {
    const verdict = admission(live, email);
    if (verdict === 'sign_in_needed') return { code: CloseCode.SignInNeeded, reason: 'sign-in needed' };
    if (verdict === 'not_allowed') return { code: CloseCode.NotAllowed, reason: 'not on the allow list' };
    if (live.viewers.size >= this.#options.maxViewersPerDoc) {
      return { code: CloseCode.TooManyConnections, reason: 'too many viewers of this doc' };
    }
    return null;
  }

  #leave(socket: WebSocket, ip: string): void {
    const left = (this.#perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.#perIp.set(ip, left);
    else this.#perIp.delete(ip);
    const live = this.#socketDoc.get(socket);
    if (!live || !live.viewers.delete(socket)) return;
    this.#metrics.viewerLeft();
    if (live.viewers.size === 0 && live.joining === 0) this.#unload(live);
  }

  async #catchUp(live: LiveDoc, resume: Resume): Promise<{ epoch: number; framesTo(live: LiveDoc): Buffer[] | null } | null> {
    if (resume.epoch !== live.epoch || resume.seq > live.seq) return null;
    const fromMemory = live.recentFramesAfter(resume.seq);
    const epoch = live.epoch;
    if (fromMemory) return { epoch, framesTo: (now) => now.recentFramesAfter(resume.seq) };
    const stored = await this.#store.readDeltas(live.docId, resume.epoch, resume.seq);
    if (!stored) return null;
    const frames = stored.map((d) => toFrame({ type: 'delta', seq: d.seq, changes: d.changes }));
    const last = stored.at(-1)?.seq ?? resume.seq;
    return {
      epoch,
      // Deltas that arrived while the store was read come from memory.
      framesTo: (now) => {
        const newer = now.recentFramesAfter(last);
        return newer ? [...frames, ...newer] : null;
      },
    };
  }

  /** Loads a doc into memory once, however many viewers ask at the same time. */
  #load(doc: DocRecord): Promise<LiveDoc> {
    // A viewer whose lookup answered late must join the doc others already watch, not replace it.
    const loaded = this.#docs.get(doc.docId);
    if (loaded) return Promise.resolve(loaded);
    const loading = this.#loading.get(doc.docId);
    if (loading) return loading;
    this.#busy.set(doc.docId, []);
    const promise = (async () => {
      try {
        const snapshot = await this.#store.readSnapshot(doc.docId);
        const live = new LiveDoc(doc, snapshot ?? { epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges: [] });
        this.#docs.set(doc.docId, live);
        this.#byShare.set(doc.shareId, live);
        this.#metrics.docsLoaded(this.#docs.size);
        this.#drain(live);
        return live;
      } finally {
        this.#loading.delete(doc.docId);
      }
    })();
    this.#loading.set(doc.docId, promise);
    return promise;
  }

  #unload(live: LiveDoc): void {
    this.#docs.delete(live.docId);
    this.#byShare.delete(live.shareId);
    this.#metrics.docsLoaded(this.#docs.size);
    this.#bus.publish({ type: 'presence', docId: live.docId, instance: this.instance, viewers: 0 });
  }

  #onBus(message: BusMessage): void {
    switch (message.type) {
      case 'delta':
        return this.#onDelta(message.delta);
      case 'doc':
        if (message.event === 'unpublished') return this.#unpublished(message.docId);
        return void this.#reload(message.docId);
      case 'presence': {
        const live = this.#docs.get(message.docId);
        if (live && message.instance !== this.instance) {
          live.remoteViewers.set(message.instance, { viewers: message.viewers, seenAt: Date.now() });
        }
        return;
      }
      case 'resync':
        for (const live of this.#docs.values()) if (!this.#busy.has(live.docId)) void this.#fillGap(live, null);
        return;
    }
  }

  #onDelta(delta: Delta): void {
    const queued = this.#busy.get(delta.docId);
    if (queued) return void queued.push(delta);
    const live = this.#docs.get(delta.docId);
    if (!live) return;
    if (delta.epoch !== live.epoch) return void this.#reload(live.docId);
    if (delta.seq <= live.seq) return; // already applied
    if (delta.seq > live.seq + 1) return void this.#fillGap(live, delta);
    this.#broadcast(live, live.apply(delta));
  }

  /**
   * The bus lost a delta (or may have: `delta` null after it reconnected): fetch the missing ones
   * from the store before sending anything on.
   */
  async #fillGap(live: LiveDoc, delta: Delta | null): Promise<void> {
    this.#busy.set(live.docId, delta ? [delta] : []);
    const missed = await this.#store.readDeltas(live.docId, live.epoch, live.seq).catch(() => null);
    if (!missed) return this.#reload(live.docId);
    this.#busy.get(live.docId)?.unshift(...missed);
    this.#drain(live);
  }

  /** Sends what queued up while the doc was busy, in seq order, and returns to the fast path. */
  #drain(live: LiveDoc): void {
    const queued = this.#busy.get(live.docId) ?? [];
    this.#busy.delete(live.docId);
    queued.sort((a, b) => a.seq - b.seq);
    for (const delta of queued) this.#onDelta(delta);
  }

  /** Starts a doc over from the store (new epoch, new settings, or an unfillable gap). */
  async #reload(docId: string): Promise<void> {
    const live = this.#docs.get(docId);
    if (!live) return;
    if (!this.#busy.has(docId)) this.#busy.set(docId, []);
    const [doc, snapshot] = await Promise.all([this.#store.getDoc(docId), this.#store.readSnapshot(docId)]);
    if (!doc || !snapshot) return this.#unpublished(docId);
    live.reset(doc, snapshot);
    // New access or allow list: viewers it no longer admits leave before the snapshot is sent.
    for (const socket of live.viewers) {
      const verdict = admission(live, this.#socketEmail.get(socket) ?? null);
      if (verdict === 'admitted') continue;
      live.viewers.delete(socket);
      this.#metrics.viewerLeft();
      if (verdict === 'sign_in_needed') socket.close(CloseCode.SignInNeeded, 'sign-in needed');
      else socket.close(CloseCode.NotAllowed, 'not on the allow list');
    }
    if (live.viewers.size === 0 && live.joining === 0) this.#unload(live);
    else this.#broadcast(live, live.snapshotFrame());
    this.#drain(live);
  }

  #unpublished(docId: string): void {
    const live = this.#docs.get(docId);
    if (!live) return;
    const frame = toFrame({ type: 'closed', reason: 'unpublished' } satisfies ClosedFrame);
    for (const socket of live.viewers) {
      socket.send(frame, TEXT);
      socket.close(CloseCode.UnknownShare, 'unpublished');
    }
    this.#busy.delete(docId);
    this.#unload(live);
  }

  /** The hot path: one frame, already serialized, to every viewer that keeps up. */
  #broadcast(live: LiveDoc, frame: Buffer): void {
    const started = performance.now();
    const limit = this.#options.maxBufferedBytes;
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

  // A viewer that cannot keep up is closed rather than allowed to hold memory or slow others;
  // it reconnects and resumes (or gets a snapshot).
  #dropSlow(live: LiveDoc, socket: WebSocket): void {
    live.viewers.delete(socket);
    this.#metrics.viewerLeft();
    this.#metrics.slowConsumerClosed();
    socket.close(CloseCode.TooSlow, 'too slow: resubscribe');
    if (live.viewers.size === 0 && live.joining === 0) this.#unload(live);
  }

  #sendPresence(): void {
    const now = Date.now();
    for (const live of this.#docs.values()) {
      const local = live.viewers.size;
      // Other instances forget a count they have not heard for a while: repeat it before then.
      if (local !== live.localReported || now - live.localReportedAt > PRESENCE_TTL_MS / 2) {
        live.localReported = local;
        live.localReportedAt = now;
        this.#bus.publish({ type: 'presence', docId: live.docId, instance: this.instance, viewers: local });
      }
      const viewers = this.viewerCount(live.docId);
      if (viewers === live.presenceSent) continue;
      live.presenceSent = viewers;
      this.#broadcast(live, toFrame({ type: 'presence', viewers } satisfies PresenceFrame));
    }
  }

  #pingAll(): void {
    for (const live of this.#docs.values()) {
      for (const socket of live.viewers) {
        if (this.#unanswered.has(socket)) {
          socket.terminate();
          continue;
        }
        this.#unanswered.add(socket);
        socket.ping();
      }
    }
  }

  /** Closes every viewer with 1001 so it reconnects elsewhere or later. */
  close(): void {
    this.#closing = true;
    for (const t of this.#timers) clearInterval(t);
    for (const live of this.#docs.values()) {
      for (const socket of live.viewers) socket.close(CloseCode.GoingAway, 'server shutting down');
    }
  }
}
