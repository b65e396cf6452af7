// The hub is where an edit leaves the relay: it keeps the docs that have viewers on this
// instance, takes sequenced deltas from the bus, and fans each out as one pre-serialized frame.
// This file joins viewers and routes the bus's messages; each other job has its own file.
import { randomUUID } from 'node:crypto';
import type { Viewer } from './viewer.ts';
import { CloseCode, type ClosedFrame, type ShareSnapshot } from '../../protocol/wire.ts';
import type { Bus, BusMessage } from '../bus/bus.ts';
import type { DocRecord, Store } from '../store/store.ts';
import { Admissions } from './admission.ts';
import { Broadcast, TEXT } from './broadcast.ts';
import { CatchUp, type Resume } from './catch-up.ts';
import { ConnectionLimits } from './connections.ts';
import { budgetFrames } from './frame-budget.ts';
import { toFrame, type LiveDoc } from './live-doc.ts';
import { LiveDocs } from './live-docs.ts';
import { Presence } from './presence.ts';

export type { Resume } from './catch-up.ts';

export interface HubOptions {
  maxBufferedBytes: number;
  maxViewersPerDoc: number;
  maxConnectionsPerIp: number;
  /** Messages and pings a viewer may send a minute (it should send none but pongs). */
  viewerFramesPerMinute: number;
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
  /** A socket closed with 4429: too many from its address, too many viewers of its doc, too many frames from it. */
  limitClosed(limit: 'address' | 'doc' | 'frames'): void;
}

/** A store read to catch a live doc up failed; the hub retries it by itself. */
export type CatchUpFailed = (docId: string, error: unknown) => void;

export class Hub {
  readonly instance = randomUUID();
  readonly #store: Store;
  readonly #metrics: HubMetrics;
  readonly #connections: ConnectionLimits;
  readonly #admissions: Admissions;
  readonly #docs: LiveDocs;
  readonly #broadcast: Broadcast;
  readonly #catchUp: CatchUp;
  readonly #presence: Presence;
  readonly #socketDoc = new WeakMap<Viewer, LiveDoc>();
  readonly #viewerFramesPerMinute: number;
  #closing = false;

  constructor(store: Store, bus: Bus, options: HubOptions, metrics: HubMetrics, catchUpFailed: CatchUpFailed) {
    this.#store = store;
    this.#metrics = metrics;
    this.#viewerFramesPerMinute = options.viewerFramesPerMinute;
    this.#connections = new ConnectionLimits(options.maxConnectionsPerIp);
    this.#admissions = new Admissions(options.maxViewersPerDoc, metrics);
    this.#docs = new LiveDocs(store, bus, metrics, {
      loading: (docId) => this.#catchUp.hold(docId),
      loaded: (live) => this.#catchUp.drain(live),
      unloaded: (live) => this.#presence.left(live.docId),
    });
    this.#broadcast = new Broadcast(options.maxBufferedBytes, metrics, this.#docs);
    this.#catchUp = new CatchUp({
      store,
      docs: this.#docs,
      broadcast: this.#broadcast,
      admissions: this.#admissions,
      unpublished: (docId) => this.#unpublished(docId),
      failed: catchUpFailed,
    });
    this.#presence = new Presence(this.instance, bus, this.#docs, this.#broadcast, options);
    bus.subscribe((message) => this.#onBus(message));
  }

  /** Viewers of a doc across every instance that reports to this one. */
  viewerCount(docId: string): number {
    return this.#presence.viewerCount(docId);
  }

  /** True while a doc's viewers may be shown what the store no longer says (the bus or the store was away). */
  get behind(): boolean {
    return this.#catchUp.behind;
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
  async join(socket: Viewer, shareId: string, ip: string, resume: Resume | null, email: string | null = null): Promise<void> {
    if (!this.#connections.take(ip)) {
      this.#metrics.limitClosed('address');
      return socket.close(CloseCode.TooManyConnections, 'too many connections from this address');
    }
    budgetFrames(socket, this.#viewerFramesPerMinute, () => this.#metrics.limitClosed('frames'));
    socket.once('close', () => this.#leave(socket, ip));

    let live = this.#docs.byShare(shareId);
    // A doc loaded for this viewer may be unloaded again by the last one leaving; load again.
    while (!live) {
      const doc = await this.#store.getDocByShare(shareId);
      if (!doc) return socket.close(CloseCode.UnknownShare, 'unknown share');
      const loaded = await this.#docs.load(doc);
      if (this.#docs.isCurrent(loaded)) live = loaded;
    }
    live.joining++;
    try {
      const refusal = this.#admissions.refusal(live, email);
      if (refusal) {
        if (refusal.code === CloseCode.TooManyConnections) this.#metrics.limitClosed('doc');
        return socket.close(refusal.code, refusal.reason);
      }
      const plan = resume ? await this.#catchUp.resume(live, resume) : null;
      if (!this.#docs.isCurrent(live)) return socket.close(CloseCode.UnknownShare, 'unpublished');
      if (socket.readyState !== socket.OPEN || this.#closing) return;
      // From here on everything is synchronous: the frames sent equal the doc's state.
      const frames = plan && plan.epoch === live.epoch ? plan.framesTo(live) : null;
      for (const frame of frames ?? [live.snapshotFrame()]) socket.send(frame, TEXT);
      live.viewers.add(socket);
      this.#socketDoc.set(socket, live);
      this.#admissions.admitted(socket, email);
      this.#presence.watch(socket);
      this.#metrics.viewerJoined();
    } finally {
      live.joining--;
      this.#docs.unloadIfIdle(live);
    }
  }

  #leave(socket: Viewer, ip: string): void {
    this.#connections.release(ip);
    const live = this.#socketDoc.get(socket);
    if (!live || !live.viewers.delete(socket)) return;
    this.#metrics.viewerLeft();
    this.#docs.unloadIfIdle(live);
  }

  #onBus(message: BusMessage): void {
    switch (message.type) {
      case 'delta':
        return this.#catchUp.onDelta(message.delta);
      case 'doc':
        if (message.event === 'unpublished') return this.#unpublished(message.docId);
        return this.#catchUp.reload(message.docId);
      case 'presence':
        return this.#presence.heard(message.docId, message.instance, message.viewers);
      case 'resync':
        return this.#catchUp.resync();
    }
  }

  /** Every viewer of the doc hears why before it is closed with 4404. */
  #unpublished(docId: string): void {
    const live = this.#docs.get(docId);
    if (!live) return;
    const frame = toFrame({ type: 'closed', reason: 'unpublished' } satisfies ClosedFrame);
    for (const socket of live.viewers) {
      socket.send(frame, TEXT);
      socket.close(CloseCode.UnknownShare, 'unpublished');
    }
    this.#catchUp.forget(docId);
    this.#docs.unload(live);
  }

  /** Closes every viewer with 1001 so it reconnects elsewhere or later. */
  close(): void {
    this.#closing = true;
    this.#presence.stop();
    this.#catchUp.stop();
    for (const live of this.#docs.values()) {
      for (const socket of live.viewers) socket.close(CloseCode.GoingAway, 'server shutting down');
    }
  }
}
