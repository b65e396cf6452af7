// What the ordering core (`ordered-store.ts`) needs of a database: a page of SQL per backend.
// The rules (re-clip, dedupe, last-writer-wins, seq, pruning, range changes) live in the core.
import type { IngestResult, RangeChanges, RangeFormatChange } from '../../protocol/wire.ts';
import type { Area, CellWrite } from '../cells/cells.ts';
import type { DocChange, DocRecord, NewDoc, StoredCell } from './store.ts';

/** A cell as stored: its value and the read time that wrote it. */
export interface Cell extends CellWrite {
  at: number;
}

/** A doc row inside a transaction, with the count that numbers its batch ids. */
export interface LockedDoc {
  doc: DocRecord;
  batchCount: number;
  /** UTF-8 bytes of the doc's stored cell values. */
  bytes: number;
}

/** A batch's answer as recorded for its id, without `duplicate`. */
export type BatchResult = Omit<IngestResult, 'duplicate'>;

export interface StoredDelta {
  seq: number;
  changes: RangeChanges[];
  formats?: RangeFormatChange[];
}

/** A batch's id, its number among the doc's batches, and its answer. */
export interface RecordedBatch {
  batchId: string;
  n: number;
  result: BatchResult;
}

export interface GroupReads {
  answers: Map<string, BatchResult>;
  stored: (write: CellWrite) => StoredCell | undefined;
}

/** What a group of batches changed in one doc. */
export interface GroupWrites {
  cells: Cell[];
  deltas: StoredDelta[];
  batches: RecordedBatch[];
  seq: number;
  batchCount: number;
  /** Null keeps the previous one. */
  lastEditAt: number | null;
  /** The doc's stored value bytes after the group. */
  bytes: number;
  /** Deltas with seq ≤ this and batch ids numbered ≤ `batchesThrough` are forgotten. */
  deltasThrough: number;
  batchesThrough: number;
}

/** A published range's format as stored: JSON, with the read time that wrote it. */
export interface StoredFormat {
  sheet: string;
  range: string;
  body: string;
  at: number;
}

/** A doc's new settings; `epoch` is set with new ranges only. */
export type DocSettings = DocChange & { epoch?: number };

/** One open transaction: what it reads sees its own writes; nothing of it is seen before commit. */
export interface StoreTransaction {
  doc(docId: string): Promise<LockedDoc | null>;
  /**
   * What a group's batches of one doc need to know, in one read where the database allows: the
   * recorded answers of those of `batchIds` the doc remembers, and the stored value and `at` of
   * each cell written, looked up by the write.
   */
  groupReads(docId: string, batchIds: string[], writes: CellWrite[]): Promise<GroupReads>;
  writeCells(docId: string, cells: Cell[]): Promise<void>;
  /** Every stored format of the doc (one per published range at most). */
  formats(docId: string): Promise<StoredFormat[]>;
  /** Replaces the format of each range given. */
  writeFormats(docId: string, formats: StoredFormat[]): Promise<void>;
  deleteFormats(docId: string): Promise<void>;
  /** A group's writes of one doc, as one step (one statement where the database allows). */
  writeGroup(docId: string, writes: GroupWrites): Promise<void>;
  /** Counts the doc's stored value bytes again (after cells moved or were deleted). */
  recountBytes(docId: string): Promise<void>;
  updateDoc(docId: string, settings: DocSettings): Promise<void>;
  cellsIn(docId: string, area: Area): Promise<Cell[]>;
  deleteCellsIn(docId: string, area: Area): Promise<void>;
  deleteCellsOutside(docId: string, areas: Area[]): Promise<void>;
  dropHistory(docId: string): Promise<void>;
  /** Deletes the doc with its cells, formats, history and batch ids; false when there was none. */
  deleteDoc(docId: string): Promise<boolean>;
}

/** Reads that all see one committed state. */
export interface SnapshotReader {
  getDoc(docId: string): Promise<DocRecord | null>;
  /** `[row, col, value]` of each stored cell in the area. */
  valuesIn(docId: string, area: Area): Promise<[number, number, string][]>;
  formats(docId: string): Promise<StoredFormat[]>;
}

export interface StoreBackend {
  /**
   * Runs `work` in one transaction that holds `docIds` (locked in one order on every instance,
   * so two transactions never deadlock); it is rolled back whole when `work` throws.
   */
  transaction<T>(docIds: string[], work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Counts the owner's docs and creates this one as one step; null when it already has `maxPerOwner`. */
  createDoc(doc: NewDoc, createdAt: number, maxPerOwner: number): Promise<DocRecord | null>;
  getDoc(docId: string): Promise<DocRecord | null>;
  getDocByShare(shareId: string): Promise<DocRecord | null>;
  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null>;
  countDocs(ownerId: string): Promise<number>;
  snapshot<T>(work: (read: SnapshotReader) => Promise<T>): Promise<T>;
  /** The deltas with `afterSeq` < seq ≤ `throughSeq`, in order. */
  deltasAfter(docId: string, afterSeq: number, throughSeq: number): Promise<StoredDelta[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
