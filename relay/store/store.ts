// The Store is the source of truth: docs, shares, hashed ingest keys, cells with their
// per-cell `at`, bounded delta history and recent batch ids. It assigns each doc's seq
// atomically with the write. One ordering core (`ordered-store.ts`) over a SQL backend:
// SQLite (`sqlite.ts`) by default, Postgres (`postgres.ts`) for many instances.
import type { Access, IngestResult, PublishedRange, RangeChanges, RangeFormatChange, ShareSnapshot, ViewSettings } from '../../protocol/wire.ts';
import type { Area, CellWrite } from '../cells/cells.ts';

export interface DocRecord {
  docId: string;
  shareId: string;
  /** `google:<sub>` for a Google user, `admin` for the admin token, `demo` for the demo. */
  ownerId: string;
  spreadsheetId: string;
  title: string;
  ranges: PublishedRange[];
  access: Access;
  allow: string[];
  /** The publisher's view settings. */
  view: ViewSettings;
  ingestKeyHash: string;
  epoch: number;
  seq: number;
  createdAt: number;
  lastEditAt: number | null;
}

export type NewDoc = Omit<DocRecord, 'epoch' | 'seq' | 'createdAt' | 'lastEditAt' | 'view'> & { view?: ViewSettings };

export interface DocChange {
  title?: string;
  /** New ranges start a new epoch: history is dropped and cells outside them are deleted. */
  ranges?: PublishedRange[];
  access?: Access;
  allow?: string[];
  view?: ViewSettings;
  ingestKeyHash?: string;
}

/** A published range's whole format, as JSON, in a batch. */
export interface FormatWrite {
  sheet: string;
  /** Canonical A1: equal to one of the doc's published ranges. */
  range: string;
  body: string;
}

/** A batch of writes, already clipped to the doc's published ranges. */
export interface Batch {
  batchId: string;
  at: number;
  /** The epoch whose ranges clipped it: if the ranges changed since, the store clips it again. */
  epoch: number;
  writes: CellWrite[];
  areas: Area[];
  /** New formats of published ranges (last writer wins per range, like cells). */
  formats: FormatWrite[];
  /** Cells in the request; those not applied are reported as dropped. */
  incoming: number;
}

/** One sequenced change of a doc, as stored in history and carried by the bus. */
export interface Delta {
  docId: string;
  epoch: number;
  seq: number;
  changes: RangeChanges[];
  /** Ranges whose format changed, each with its whole new format. */
  formats?: RangeFormatChange[];
}

export interface BatchOutcome {
  result: IngestResult;
  /** Null when nothing changed (or the batch was a duplicate): nothing is sent. */
  delta: Delta | null;
}

/** How much each doc remembers: deltas for resuming viewers, batch ids for recognising retries. */
export interface StoreLimits {
  historyLimit: number;
  batchIdLimit: number;
  /** UTF-8 bytes of cell values one doc may hold (unbounded when not given). */
  docBytes?: number;
}

/** A write refused whole because it would pass a limit the store keeps in its transaction. */
export class OverLimitError extends Error {
  readonly limit: 'doc_bytes' | 'docs_per_owner';

  constructor(limit: OverLimitError['limit'], message: string) {
    super(message);
    this.name = 'OverLimitError';
    this.limit = limit;
  }
}

export interface Store {
  /** Throws OverLimitError when the owner already has `maxPerOwner` docs (counted and created as one step). */
  createDoc(doc: NewDoc, maxPerOwner?: number): Promise<DocRecord>;
  getDoc(docId: string): Promise<DocRecord | null>;
  getDocByShare(shareId: string): Promise<DocRecord | null>;
  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null>;
  /** How many docs the publisher has published and not unpublished. */
  countDocs(ownerId: string): Promise<number>;
  updateDoc(docId: string, change: DocChange): Promise<DocRecord | null>;
  /** Deletes the doc with its cells, history and batch ids. False when there was none. */
  deleteDoc(docId: string): Promise<boolean>;
  /** Applies a batch last-writer-wins by `at`; null when the doc does not exist. Throws OverLimitError, changing nothing, when it would store more than `docBytes`. */
  applyBatch(docId: string, batch: Batch): Promise<BatchOutcome | null>;
  readSnapshot(docId: string): Promise<ShareSnapshot | null>;
  /** The deltas after `afterSeq` in `epoch`, or null when they cannot all be given. */
  readDeltas(docId: string, epoch: number, afterSeq: number): Promise<Delta[] | null>;
  /** Throws when the store cannot serve. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoredCell {
  value: string;
  at: number;
}

/**
 * Last-writer-wins by `at`, per cell: a write older than the stored cell is dropped; a write at
 * the same or a later time is kept (its `at` is recorded even when the value is unchanged, so a
 * late older write cannot undo it). `changed` are the kept writes whose value differs; `growth`
 * is how many UTF-8 bytes of values they add to what the doc held (negative when it shrinks).
 */
export function resolveWrites(
  writes: CellWrite[],
  at: number,
  stored: (w: CellWrite) => StoredCell | undefined,
): { keep: CellWrite[]; changed: CellWrite[]; growth: number } {
  const keep: CellWrite[] = [];
  const changed: CellWrite[] = [];
  let growth = 0;
  for (const w of writes) {
    const current = stored(w);
    if (current && current.at > at) continue;
    keep.push(w);
    const old = current?.value ?? '';
    if (old === w.value) continue;
    changed.push(w);
    growth += Buffer.byteLength(w.value) - Buffer.byteLength(old);
  }
  return { keep, changed, growth };
}
