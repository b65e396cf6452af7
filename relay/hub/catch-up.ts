// Catching up: a viewer resumes from memory or the store; a doc that may have missed deltas
// (a seq gap, or the bus reconnected) waits while the store fills the gap; a doc whose epoch or
// settings changed starts over from the store. Deltas that arrive meanwhile wait in seq order.
import type { Delta, Store } from '../store/store.ts';
import type { Admissions } from './admission.ts';
import type { Broadcast } from './broadcast.ts';
import { toFrame, type LiveDoc } from './live-doc.ts';
import type { LiveDocs } from './live-docs.ts';

export interface Resume {
  epoch: number;
  seq: number;
}

/** How a resuming viewer catches up, worked out when it joins, from the doc as it then is. */
export interface ResumePlan {
  epoch: number;
  /** The frames from the viewer's seq to the doc's, or null when they cannot all be given. */
  framesTo(live: LiveDoc): Buffer[] | null;
}

export class CatchUp {
  readonly #store: Store;
  readonly #docs: LiveDocs;
  readonly #broadcast: Broadcast;
  readonly #admissions: Admissions;
  readonly #unpublished: (docId: string) => void;
  /** Docs being loaded or caught up, with the deltas that arrived meanwhile. */
  readonly #busy = new Map<string, Delta[]>();

  constructor(store: Store, docs: LiveDocs, broadcast: Broadcast, admissions: Admissions, unpublished: (docId: string) => void) {
    this.#store = store;
    this.#docs = docs;
    this.#broadcast = broadcast;
    this.#admissions = admissions;
    this.#unpublished = unpublished;
  }

  /** The doc's deltas wait from now until `drain`. */
  hold(docId: string): void {
    this.#busy.set(docId, []);
  }

  /** The doc is gone: what waited for it is dropped. */
  forget(docId: string): void {
    this.#busy.delete(docId);
  }

  async resume(live: LiveDoc, resume: Resume): Promise<ResumePlan | null> {
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

  onDelta(delta: Delta): void {
    const queued = this.#busy.get(delta.docId);
    if (queued) return void queued.push(delta);
    const live = this.#docs.get(delta.docId);
    if (!live) return;
    if (delta.epoch !== live.epoch) return void this.reload(live.docId);
    if (delta.seq <= live.seq) return; // already applied
    if (delta.seq > live.seq + 1) return void this.#fillGap(live, delta);
    this.#broadcast.send(live, live.apply(delta));
  }

  /** The bus may have lost messages while it was away: every doc not already catching up checks the store. */
  resync(): void {
    for (const live of this.#docs.values()) if (!this.#busy.has(live.docId)) void this.#fillGap(live, null);
  }

  /**
   * The bus lost a delta (or may have: `delta` null after it reconnected): fetch the missing ones
   * from the store before sending anything on.
   */
  async #fillGap(live: LiveDoc, delta: Delta | null): Promise<void> {
    this.#busy.set(live.docId, delta ? [delta] : []);
    const missed = await this.#store.readDeltas(live.docId, live.epoch, live.seq).catch(() => null);
    if (!missed) return this.reload(live.docId);
    this.#busy.get(live.docId)?.unshift(...missed);
    this.drain(live);
  }

  /** Sends what queued up while the doc was busy, in seq order, and returns to the fast path. */
  drain(live: LiveDoc): void {
    const queued = this.#busy.get(live.docId) ?? [];
    this.#busy.delete(live.docId);
    queued.sort((a, b) => a.seq - b.seq);
    for (const delta of queued) this.onDelta(delta);
  }

  /** Starts a doc over from the store (new epoch, new settings, or an unfillable gap). */
  async reload(docId: string): Promise<void> {
    const live = this.#docs.get(docId);
    if (!live) return;
    if (!this.#busy.has(docId)) this.#busy.set(docId, []);
    const [doc, snapshot] = await Promise.all([this.#store.getDoc(docId), this.#store.readSnapshot(docId)]);
    if (!doc || !snapshot) return this.#unpublished(docId);
    live.reset(doc, snapshot);
    this.#admissions.readmit(live);
    if (!live.idle) this.#broadcast.send(live, live.snapshotFrame());
    this.#docs.unloadIfIdle(live);
    this.drain(live);
  }
}
