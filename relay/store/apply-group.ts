// Applying a group of batches in one transaction, with the ordering rules of `ordered-store.ts`:
// every batch in arrival order, each seeing the ones before it, but with one read and one write
// of each kind per doc for the whole group instead of one per batch. On Postgres that turns about
// eight round trips a batch into four a group (begin with the lock and its read, one read of
// answers and cells, one statement of writes, commit), while the docs' rows are locked.
import { describeChanges, reclip, type CellWrite } from '../cells/cells.ts';
import type { PublishedRange, RangeFormatChange } from '../../protocol/wire.ts';
import type { BatchResult, Cell, RecordedBatch, StoreTransaction, StoredDelta, StoredFormat } from './backend.ts';
import { OverLimitError, resolveWrites, type Batch, type BatchOutcome, type Delta, type DocRecord, type FormatWrite, type StoreLimits } from './store.ts';

export interface Queued {
  docId: string;
  batch: Batch;
}

/** One doc's state as the group's batches move it, written once at the end. */
interface Working {
  doc: DocRecord;
  seq: number;
  batchCount: number;
  bytes: number;
  editedAt: number | null;
  /** The newest write of each cell in this group, over what is stored. */
  cells: Map<string, Cell>;
  stored: (write: CellWrite) => { value: string; at: number } | undefined;
  deltas: StoredDelta[];
  batches: RecordedBatch[];
  /** Answers of batches the doc remembers, and of this group's batches so far. */
  answers: Map<string, BatchResult>;
}

const cellKey = (c: { sheet: string; row: number; col: number }) => `${c.row}:${c.col}:${c.sheet}`;
export const rangeKey = (r: { sheet: string; range: string }) => `${r.range}!${r.sheet}`;
const published = (f: FormatWrite, ranges: PublishedRange[]) => ranges.some((r) => r.sheet === f.sheet && r.range === f.range);

/** Clipped under ranges another instance changed since: nothing outside the current ones is written. */
function underCurrentRanges(clipped: Batch, doc: DocRecord): Batch {
  if (doc.epoch === clipped.epoch) return clipped;
  return { ...reclip(clipped, doc.ranges), formats: clipped.formats.filter((f) => published(f, doc.ranges)) };
}

export async function applyGroup(tx: StoreTransaction, group: Queued[], limits: StoreLimits): Promise<(BatchOutcome | null)[]> {
  const working = new Map<string, Working>();
  const batches = group.map((q) => ({ ...q, batch: q.batch }));
  // Reads: each doc's row, its remembered answers and the stored cells of every write, once.
  for (const docId of new Set(group.map((q) => q.docId))) {
    const locked = await tx.doc(docId);
    if (!locked) continue;
    const mine = batches.filter((q) => q.docId === docId);
    for (const q of mine) q.batch = underCurrentRanges(q.batch, locked.doc);
    const reads = await tx.groupReads(docId, mine.map((q) => q.batch.batchId), mine.flatMap((q) => q.batch.writes));
    working.set(docId, {
      doc: locked.doc,
      seq: locked.doc.seq,
      batchCount: locked.batchCount,
      bytes: locked.bytes,
      editedAt: null,
      cells: new Map(),
      stored: reads.stored,
      deltas: [],
      batches: [],
      answers: reads.answers,
    });
  }
  const outcomes: (BatchOutcome | null)[] = [];
  for (const { docId, batch } of batches) {
    const w = working.get(docId);
    outcomes.push(w ? await applyOne(tx, w, batch, limits) : null);
  }
  // Writes: each kind once per doc.
  for (const [docId, w] of working) {
    if (w.batches.length === 0) continue;
    await tx.writeGroup(docId, {
      cells: [...w.cells.values()],
      deltas: w.deltas,
      batches: w.batches,
      seq: w.seq,
      batchCount: w.batchCount,
      lastEditAt: w.editedAt,
      bytes: w.bytes,
      deltasThrough: w.seq - limits.historyLimit,
      batchesThrough: w.batchCount - limits.batchIdLimit,
    });
  }
  return outcomes;
}

async function applyOne(tx: StoreTransaction, w: Working, batch: Batch, limits: StoreLimits): Promise<BatchOutcome> {
  const prior = w.answers.get(batch.batchId);
  if (prior) return { result: { ...prior, duplicate: true }, delta: null };

  const { keep, changed, growth } = resolveWrites(batch.writes, batch.at, (write) => w.cells.get(cellKey(write)) ?? w.stored(write));
  const bytes = w.bytes + growth;
  if (bytes > (limits.docBytes ?? Infinity)) {
    throw new OverLimitError('doc_bytes', `the doc would hold ${bytes} bytes of values; it may hold ${limits.docBytes}`);
  }
  for (const write of keep) w.cells.set(cellKey(write), { ...write, at: batch.at });
  const formats = await applyFormats(tx, w.doc.docId, batch.formats, batch.at);

  let delta: Delta | null = null;
  if (changed.length > 0 || formats.length > 0) {
    w.seq++;
    w.editedAt = Date.now();
    delta = { docId: w.doc.docId, epoch: w.doc.epoch, seq: w.seq, changes: describeChanges(batch.areas, changed), ...(formats.length > 0 && { formats }) };
    w.deltas.push(delta);
  }
  w.bytes = bytes;
  w.batchCount++;
  const result = { seq: w.seq, applied: changed.length, dropped: batch.incoming - changed.length };
  w.batches.push({ batchId: batch.batchId, n: w.batchCount, result });
  w.answers.set(batch.batchId, result);
  return { result: { ...result, duplicate: false }, delta };
}

/**
 * Last writer wins per range, by `at`, as for cells: a format read before the stored one is
 * dropped. Returns the formats that differ from what was stored. Formats are rare beside
 * values: they are read and written per batch.
 */
async function applyFormats(tx: StoreTransaction, docId: string, incoming: FormatWrite[], at: number): Promise<RangeFormatChange[]> {
  if (incoming.length === 0) return [];
  const stored = new Map((await tx.formats(docId)).map((f) => [rangeKey(f), f]));
  const keep: StoredFormat[] = [];
  const changed: RangeFormatChange[] = [];
  for (const f of incoming) {
    const current = stored.get(rangeKey(f));
    if (current && current.at > at) continue;
    keep.push({ ...f, at });
    if (current?.body !== f.body) changed.push({ sheet: f.sheet, range: f.range, format: JSON.parse(f.body) });
  }
  await tx.writeFormats(docId, keep);
  return changed;
}
