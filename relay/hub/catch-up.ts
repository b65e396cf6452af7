// Catching up: a viewer resumes from memory or the store; a doc that may have missed deltas
// (a seq gap) waits while the store fills the gap; a doc that may have missed doc events (the bus
// reconnected) re-reads its settings first; a doc whose epoch or settings changed starts over from
// the store. Deltas that arrive meanwhile wait in seq order. A store that fails is retried, with
// the doc held, until it answers: readiness says no while any doc is behind.
import type { Delta, Store } from '../store/store.ts';
import type { Admissions } from './admission.ts';
import type { Broadcast } from './broadcast.ts';
import { deltaFrame, type LiveDoc } from './live-doc.ts';
import type { LiveDocs } from './live-docs.ts';

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;

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

export interface CatchUpParts {
  store: Store;
  docs: LiveDocs;
  broadcast: Broadcast;
  admissions: Admissions;
  unpublished(docId: string): void;
  /** A store read for the doc failed; it is retried. */
  failed(docId: string, error: unknown): void;
}

export class CatchUp {
  readonly #parts: CatchUpParts;
  /** Docs being loaded or caught up, with the deltas that arrived meanwhile. */
  readonly #busy = new Map<string, Delta[]>();
  /** Docs whose settings or cells may be out of date until a read of the store succeeds. */
  readonly #behind = new Set<string>();
  /** Docs busy when the bus came back: they re-read their settings once that work is done. */
  readonly #recheckAfter = new Set<string>();
  readonly #retries = new Map<string, { attempt: number; timer: NodeJS.Timeout | null }>();
  /** Catch-ups in flight (and retries waiting) per doc. */
  readonly #running = new Map<string, number>();

  constructor(parts: CatchUpParts) {
    this.#parts = parts;
  }

  /** True while some doc may show viewers what its store no longer says. */
  get behind(): boolean {
    return this.#behind.size > 0;
  }

  /** The doc's deltas wait from now until `drain`. */
  hold(docId: string): void {
    this.#busy.set(docId, []);
  }

  /** The doc is gone: what waited for it is dropped. */
  forget(docId: string): void {
    this.#busy.delete(docId);
    this.#behind.delete(docId);
    this.#recheckAfter.delete(docId);
    const retry = this.#retries.get(docId);
    if (retry?.timer) clearTimeout(retry.timer);
    this.#retries.delete(docId);
    this.#running.delete(docId);
  }

  /** No more retries (the hub closes). */
  stop(): void {
    for (const docId of [...this.#retries.keys()]) this.forget(docId);
  }

  async resume(live: LiveDoc, resume: Resume): Promise<ResumePlan | null> {
    if (resume.epoch !== live.epoch || resume.seq > live.seq) return null;
    const fromMemory = live.recentFramesAfter(resume.seq);
    const epoch = live.epoch;
    if (fromMemory) return { epoch, framesTo: (now) => now.recentFramesAfter(resume.seq) };
    const stored = await this.#parts.store.readDeltas(live.docId, resume.epoch, resume.seq);
    if (!stored) return null;
    const frames = stored.map(deltaFrame);
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
    const live = this.#parts.docs.get(delta.docId);
    if (!live) return;
    if (delta.epoch !== live.epoch) return this.reload(live.docId);
    if (delta.seq <= live.seq) return; // already applied
    if (delta.seq > live.seq + 1) return this.#guard(live.docId, this.#fillGap(live, delta));
    this.#parts.broadcast.send(live, live.apply(delta));
  }

  /**
   * The bus was away and may have lost deltas and doc events: every loaded doc re-reads its
   * settings (closing the viewers they no longer admit) and fills its seq gap from the store.
   */
  resync(): void {
    for (const live of this.#parts.docs.values()) {
      this.#behind.add(live.docId);
      if (this.#busy.has(live.docId)) this.#recheckAfter.add(live.docId);
      else this.#guard(live.docId, this.#recheck(live));
    }
  }

  /** Starts a doc over from the store (new epoch, new settings, or an unfillable gap). */
  reload(docId: string): void {
    this.#guard(docId, this.#reload(docId));
  }

  /** Sends what queued up while the doc was busy, in seq order, and returns to the fast path. */
  drain(live: LiveDoc): void {
    if (this.#recheckAfter.delete(live.docId)) return this.#guard(live.docId, this.#recheck(live));
    const queued = this.#busy.get(live.docId) ?? [];
    this.#busy.delete(live.docId);
    queued.sort((a, b) => a.seq - b.seq);
    for (const delta of queued) this.onDelta(delta);
  }

  async #recheck(live: LiveDoc): Promise<void> {
    if (!this.#busy.has(live.docId)) this.hold(live.docId);
    const doc = await this.#parts.store.getDoc(live.docId);
    const same = doc && doc.epoch === live.epoch && doc.title === live.title && doc.access === live.access && doc.allow.join('\n') === live.allow.join('\n') && JSON.stringify(doc.view) === JSON.stringify(live.view);
    if (!same) return this.#reload(live.docId);
    await this.#fillGap(live, null);
  }

  /** The bus lost a delta (or may have: `delta` null): fetch the missing ones from the store before sending anything on. */
  async #fillGap(live: LiveDoc, delta: Delta | null): Promise<void> {
    const queued = this.#busy.get(live.docId) ?? [];
    this.#busy.set(live.docId, delta ? [...queued, delta] : queued);
    const missed = await this.#parts.store.readDeltas(live.docId, live.epoch, live.seq).catch(() => null);
    if (!missed) return this.#reload(live.docId);
    this.#busy.get(live.docId)?.unshift(...missed);
    this.drain(live);
  }

  async #reload(docId: string): Promise<void> {
    const { store, docs, admissions, broadcast } = this.#parts;
    const live = docs.get(docId);
    if (!live) return this.forget(docId);
    if (!this.#busy.has(docId)) this.hold(docId);
    const [doc, snapshot] = await Promise.all([store.getDoc(docId), store.readSnapshot(docId)]);
    if (!doc || !snapshot) return this.#parts.unpublished(docId);
    live.reset(doc, snapshot);
    admissions.readmit(live);
    if (!live.idle) broadcast.send(live, live.snapshotFrame());
    docs.unloadIfIdle(live);
    this.drain(live);
  }

  /** Runs a catch-up; when the store fails, the doc stays held and behind, and is reloaded after a backoff. */
  #guard(docId: string, work: Promise<void>): void {
    this.#running.set(docId, (this.#running.get(docId) ?? 0) + 1);
    work.then(
      () => {
        this.#retries.delete(docId);
        this.#settled(docId);
      },
      (error: unknown) => {
        this.#behind.add(docId);
        this.#parts.failed(docId, error);
        const attempt = (this.#retries.get(docId)?.attempt ?? 0) + 1;
        const timer = setTimeout(() => {
          this.#retries.set(docId, { attempt, timer: null });
          this.reload(docId);
          this.#settled(docId);
        }, Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
        timer.unref();
        // The retry waiting counts as work in flight: the doc stays behind until it succeeds.
        this.#retries.set(docId, { attempt, timer });
      },
    );
  }

  /** One catch-up of the doc ended (or handed on to its retry): the doc is current once none is left. */
  #settled(docId: string): void {
    const left = (this.#running.get(docId) ?? 1) - 1;
    if (left > 0) return void this.#running.set(docId, left);
    this.#running.delete(docId);
    if (!this.#recheckAfter.has(docId)) this.#behind.delete(docId);
  }
}
