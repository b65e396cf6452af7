// Snapshot GETs, shared: a doc's snapshot is read and serialized once per (epoch, seq, title, view)
// and the same bytes answer every GET that asks for that state, at the same time or later.
// Reads of different states run at most `maxReads` at once; beyond, `get` answers 'busy' (the
// route answers 503 with Retry-After). So parallel GETs of large docs cost the relay one read each, not one per GET,
// and cannot hold the event loop (and /healthz) for long.
import type { ShareSnapshot, ViewSettings } from '../../../protocol/wire.ts';
import type { DocRecord } from '../../store/store.ts';

/** Serialized snapshots kept for later GETs, in bytes over all docs; the least recently used go first. */
const CACHE_BYTES = 128 * 1024 * 1024;

export type SnapshotOutcome = 'read' | 'shared' | 'cached' | 'refused';

export interface Serialized {
  epoch: number;
  seq: number;
  title: string;
  view?: ViewSettings;
  body: Buffer;
}

/** A doc's state as a snapshot shows it: a change of values, formats, title or view settings is a new one. */
const stateOf = (s: { epoch: number; seq: number; title: string; view?: ViewSettings }) => `${s.epoch}:${s.seq}:${JSON.stringify(s.view ?? {})}:${s.title}`;

export class SnapshotReads {
  readonly #read: (doc: DocRecord) => Promise<ShareSnapshot | null>;
  readonly #maxReads: number;
  readonly #counted: (outcome: SnapshotOutcome) => void;
  /** Reads under way, by doc id and the state its record asked for. */
  readonly #reading = new Map<string, Promise<Serialized | null>>();
  /** The newest serialized snapshot of each doc, in the order they were last used. */
  readonly #cache = new Map<string, Serialized>();
  #cachedBytes = 0;

  constructor(read: (doc: DocRecord) => Promise<ShareSnapshot | null>, maxReads: number, counted: (outcome: SnapshotOutcome) => void) {
    this.#read = read;
    this.#maxReads = maxReads;
    this.#counted = counted;
  }

  /** The serialized snapshot of `doc` (a record just read from the store), null when it is gone, 'busy' when too many are being read. */
  async get(doc: DocRecord): Promise<Serialized | null | 'busy'> {
    const cached = this.#cache.get(doc.docId);
    if (cached && stateOf(cached) === stateOf(doc)) {
      this.#remember(doc.docId, cached);
      this.#counted('cached');
      return cached;
    }
    const key = `${doc.docId}:${stateOf(doc)}`;
    const reading = this.#reading.get(key);
    if (reading) {
      this.#counted('shared');
      return reading;
    }
    if (this.#reading.size >= this.#maxReads) {
      this.#counted('refused');
      return 'busy';
    }
    this.#counted('read');
    const read = this.#readOnce(doc).finally(() => this.#reading.delete(key));
    this.#reading.set(key, read);
    return read;
  }

  async #readOnce(doc: DocRecord): Promise<Serialized | null> {
    const snapshot = await this.#read(doc);
    if (!snapshot) return null;
    const serialized = { epoch: snapshot.epoch, seq: snapshot.seq, title: snapshot.title, view: snapshot.view ?? {}, body: Buffer.from(JSON.stringify(snapshot)) };
    const newest = this.#cache.get(doc.docId);
    // A read that finished after a newer one does not replace it.
    if (!newest || newest.epoch < serialized.epoch || (newest.epoch === serialized.epoch && newest.seq <= serialized.seq)) {
      this.#remember(doc.docId, serialized);
    }
    return serialized;
  }

  #remember(docId: string, serialized: Serialized): void {
    const old = this.#cache.get(docId);
    if (old) {
      this.#cache.delete(docId);
      this.#cachedBytes -= old.body.length;
    }
    if (serialized.body.length > CACHE_BYTES) return;
    this.#cache.set(docId, serialized);
    this.#cachedBytes += serialized.body.length;
    for (const [id, entry] of this.#cache) {
      if (this.#cachedBytes <= CACHE_BYTES) break;
      this.#cache.delete(id);
      this.#cachedBytes -= entry.body.length;
    }
  }
}
