// The ordering rules, written once for every backend: group commit, re-clip, batch-id dedupe,
// last-writer-wins, seq assignment, delta history and its pruning (`apply-group.ts`), and the
// range-change rule. A backend (`backend.ts`) only runs the SQL.
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { PublishedRange, SharedRange, ShareSnapshot } from '../../protocol/wire.ts';
import { rangeMoves, toAreas, type RangeMove } from '../cells/cells.ts';
import { applyGroup, rangeKey, type Queued } from './apply-group.ts';
import type { StoreBackend, StoreTransaction, StoredFormat } from './backend.ts';
import { GroupCommit, type Settled } from './group-commit.ts';
import { OverLimitError, type Batch, type BatchOutcome, type Delta, type DocChange, type DocRecord, type NewDoc, type Store, type StoreLimits } from './store.ts';

export class OrderedStore implements Store {
  readonly #backend: StoreBackend;
  readonly #limits: StoreLimits;
  #closed: Promise<void> | null = null;
  readonly #groups = new GroupCommit<Queued, BatchOutcome | null>((group) => this.#commit(group));

  constructor(backend: StoreBackend, limits: StoreLimits) {
    this.#backend = backend;
    this.#limits = limits;
  }

  async createDoc(doc: NewDoc, maxPerOwner = Number.MAX_SAFE_INTEGER): Promise<DocRecord> {
    const created = await this.#backend.createDoc(doc, Date.now(), maxPerOwner);
    if (!created) throw new OverLimitError('docs_per_owner', `the owner already has ${maxPerOwner} docs`);
    return created;
  }

  getDoc(docId: string): Promise<DocRecord | null> {
    return this.#backend.getDoc(docId);
  }

  getDocByShare(shareId: string): Promise<DocRecord | null> {
    return this.#backend.getDocByShare(shareId);
  }

  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null> {
    return this.#backend.findDoc(ownerId, spreadsheetId);
  }

  countDocs(ownerId: string): Promise<number> {
    return this.#backend.countDocs(ownerId);
  }

  async updateDoc(docId: string, change: DocChange): Promise<DocRecord | null> {
    // Edits that arrived first are applied first, under the ranges they were clipped to.
    await this.#groups.drain();
    return this.#backend.transaction([docId], async (tx) => {
      const locked = await tx.doc(docId);
      if (!locked) return null;
      const { ranges } = change;
      if (ranges === undefined) {
        await tx.updateDoc(docId, change);
      } else {
        // New ranges start a new epoch: history is dropped, cells follow moved ranges, the rest outside go.
        await tx.dropHistory(docId);
        await moveFormats(tx, docId, locked.doc.ranges, ranges);
        await moveCells(tx, docId, rangeMoves(locked.doc.ranges, ranges));
        await tx.deleteCellsOutside(docId, toAreas(ranges));
        await tx.recountBytes(docId);
        await tx.updateDoc(docId, { ...change, epoch: locked.doc.epoch + 1 });
      }
      return (await tx.doc(docId))!.doc;
    });
  }

  async deleteDoc(docId: string): Promise<boolean> {
    await this.#groups.drain();
    return this.#backend.transaction([docId], (tx) => tx.deleteDoc(docId));
  }

  applyBatch(docId: string, batch: Batch): Promise<BatchOutcome | null> {
    return this.#groups.add({ docId, batch });
  }

  // A failed group is retried batch by batch, so only the failing one fails: free while batches
  // succeed, where a savepoint per batch costs two more statements (round trips on Postgres) each.
  async #commit(group: Queued[]): Promise<Settled<BatchOutcome | null>[]> {
    const docIds = [...new Set(group.map((q) => q.docId))].sort();
    try {
      const outcomes = await this.#backend.transaction(docIds, (tx) => applyGroup(tx, group, this.#limits));
      return outcomes.map((ok) => ({ ok }));
    } catch (error) {
      if (group.length === 1) return [{ error }];
      const settled: Settled<BatchOutcome | null>[] = [];
      for (const q of group) {
        settled.push(
          await this.#backend.transaction([q.docId], async (tx) => (await applyGroup(tx, [q], this.#limits))[0]!).then(
            (ok) => ({ ok }),
            (error: unknown) => ({ error }),
          ),
        );
      }
      return settled;
    }
  }

  readSnapshot(docId: string): Promise<ShareSnapshot | null> {
    return this.#backend.snapshot(async (read) => {
      const doc = await read.getDoc(docId);
      if (!doc) return null;
      const formats = new Map((await read.formats(docId)).map((f) => [rangeKey(f), f.body]));
      const ranges: SharedRange[] = [];
      for (const r of doc.ranges) {
        const rect = parseA1(r.range)!;
        const values = Array.from({ length: rect.bottom - rect.top + 1 }, () => new Array<string>(rect.right - rect.left + 1).fill(''));
        for (const [row, col, value] of await read.valuesIn(docId, { sheet: r.sheet, rect })) values[row - rect.top]![col - rect.left] = value;
        const format = formats.get(rangeKey(r));
        ranges.push({ sheet: r.sheet, range: r.range, values, ...(format !== undefined && { format: JSON.parse(format) }) });
      }
      return { epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges, view: doc.view };
    });
  }

  async readDeltas(docId: string, epoch: number, afterSeq: number): Promise<Delta[] | null> {
    const doc = await this.#backend.getDoc(docId);
    if (!doc || doc.epoch !== epoch || afterSeq > doc.seq) return null;
    const stored = await this.#backend.deltasAfter(docId, afterSeq, doc.seq);
    // A gap (pruned, or a new epoch meanwhile) means they cannot all be given.
    if (stored.length !== doc.seq - afterSeq || (stored.length > 0 && stored[0]!.seq !== afterSeq + 1)) return null;
    return stored.map((d) => ({ docId, epoch, seq: d.seq, changes: d.changes, ...(d.formats && { formats: d.formats }) }));
  }

  ping(): Promise<void> {
    return this.#backend.ping();
  }

  /** Commits the batches still queued, then closes the backend; closing again waits for the first. */
  close(): Promise<void> {
    this.#closed ??= this.#groups.drain().then(() => this.#backend.close());
    return this.#closed;
  }
}

// All moves read their cells before any is written, so ranges that swap or overlap move cleanly.
async function moveCells(tx: StoreTransaction, docId: string, moves: RangeMove[]): Promise<void> {
  const moving = [];
  for (const { from, to } of moves) moving.push({ from, to, cells: await tx.cellsIn(docId, from) });
  for (const { from } of moves) await tx.deleteCellsIn(docId, from);
  for (const { from, to, cells } of moving) {
    const dr = to.rect.top - from.rect.top;
    const dc = to.rect.left - from.rect.left;
    await tx.writeCells(docId, cells.map((c) => ({ sheet: to.sheet, row: c.row + dr, col: c.col + dc, value: c.value, at: c.at })));
  }
}

/** Formats follow their ranges as cells do (`rangeMoves`); those of ranges no longer published go. */
async function moveFormats(tx: StoreTransaction, docId: string, before: PublishedRange[], after: PublishedRange[]): Promise<void> {
  const stored = await tx.formats(docId);
  if (stored.length === 0) return;
  const moved = new Map(rangeMoves(before, after).map(({ from, to }) => [rangeKey({ sheet: from.sheet, range: formatA1(from.rect) }), to]));
  const kept = stored.flatMap((f): StoredFormat[] => {
    const to = moved.get(rangeKey(f));
    if (to) return [{ ...f, sheet: to.sheet, range: formatA1(to.rect) }];
    return after.some((r) => rangeKey(r) === rangeKey(f)) ? [f] : [];
  });
  await tx.deleteFormats(docId);
  await tx.writeFormats(docId, kept);
}
