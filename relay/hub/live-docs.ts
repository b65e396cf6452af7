// The docs in memory on this instance: each loaded once however many viewers ask at the same
// time, found by doc or share id, and unloaded when nobody watches it any more. A loaded doc's
// deltas from other instances are followed on the bus; an unloaded one's are not.
import type { Bus } from '../bus/bus.ts';
import type { DocRecord, Store } from '../store/store.ts';
import type { HubMetrics } from './hub.ts';
import { LiveDoc } from './live-doc.ts';

/** What loading and unloading tell the rest of the hub. */
export interface LoadHooks {
  /** Before the store is read: deltas that arrive meanwhile must wait. */
  loading(docId: string): void;
  /** The doc is in memory: the deltas that waited go now. */
  loaded(live: LiveDoc): void;
  unloaded(live: LiveDoc): void;
}

/** How long a load waits for the bus to confirm it follows the doc (Redis may be away: the hub catches up when it is back). */
const FOLLOW_WAIT_MS = 1_000;

export class LiveDocs {
  readonly #store: Store;
  readonly #bus: Pick<Bus, 'follow' | 'unfollow'>;
  readonly #metrics: HubMetrics;
  readonly #hooks: LoadHooks;
  readonly #docs = new Map<string, LiveDoc>();
  readonly #byShare = new Map<string, LiveDoc>();
  readonly #loading = new Map<string, Promise<LiveDoc>>();

  constructor(store: Store, bus: Pick<Bus, 'follow' | 'unfollow'>, metrics: HubMetrics, hooks: LoadHooks) {
    this.#store = store;
    this.#bus = bus;
    this.#metrics = metrics;
    this.#hooks = hooks;
  }

  get(docId: string): LiveDoc | undefined {
    return this.#docs.get(docId);
  }

  byShare(shareId: string): LiveDoc | undefined {
    return this.#byShare.get(shareId);
  }

  values(): IterableIterator<LiveDoc> {
    return this.#docs.values();
  }

  /** False once `live` was unloaded (or unpublished): another LiveDoc may stand for its doc now. */
  isCurrent(live: LiveDoc): boolean {
    return this.#docs.get(live.docId) === live;
  }

  /** Loads a doc into memory once, however many viewers ask at the same time. */
  load(doc: DocRecord): Promise<LiveDoc> {
    // A viewer whose lookup answered late must join the doc others already watch, not replace it.
    const loaded = this.#docs.get(doc.docId);
    if (loaded) return Promise.resolve(loaded);
    const loading = this.#loading.get(doc.docId);
    if (loading) return loading;
    this.#hooks.loading(doc.docId);
    const promise = (async () => {
      try {
        // Followed before the read: a delta made after it arrives, one made before is in it.
        await Promise.race([this.#bus.follow(doc.docId).catch(() => {}), new Promise((resolve) => setTimeout(resolve, FOLLOW_WAIT_MS).unref())]);
        const snapshot = await this.#store.readSnapshot(doc.docId);
        const live = new LiveDoc(doc, snapshot ?? { epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges: [] });
        this.#docs.set(doc.docId, live);
        this.#byShare.set(doc.shareId, live);
        this.#metrics.docsLoaded(this.#docs.size);
        this.#hooks.loaded(live);
        return live;
      } catch (error) {
        this.#bus.unfollow(doc.docId);
        throw error;
      } finally {
        this.#loading.delete(doc.docId);
      }
    })();
    this.#loading.set(doc.docId, promise);
    return promise;
  }

  unload(live: LiveDoc): void {
    this.#docs.delete(live.docId);
    this.#bus.unfollow(live.docId);
    this.#byShare.delete(live.shareId);
    this.#metrics.docsLoaded(this.#docs.size);
    this.#hooks.unloaded(live);
  }

  /** Unloads the doc when nobody watches or joins it, unless another LiveDoc replaced it already. */
  unloadIfIdle(live: LiveDoc): void {
    if (live.idle && this.isCurrent(live)) this.unload(live);
  }
}
