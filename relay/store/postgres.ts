// The Postgres store's SQL, for many relay instances on one database. A transaction locks its
// docs' rows (SELECT … FOR UPDATE, in doc id order), so a doc's seq is assigned atomically with
// its cells, delta and batch id, whichever instance takes the edit.
import type pg from 'pg';
import type { Area, CellWrite } from '../cells/cells.ts';
import type { BatchResult, Cell, GroupReads, GroupWrites, SnapshotReader, StoreBackend, StoreTransaction, StoredDelta, StoredFormat } from './backend.ts';
import { inTransaction, type Client } from './postgres-connection.ts';
import { settingColumns, toDoc, toStoredDelta, type DeltaRow, type DocRow } from './rows.ts';
import type { DocRecord, NewDoc, StoredCell } from './store.ts';

const IN_AREA = 'doc_id = $1 AND sheet = $2 AND row BETWEEN $3 AND $4 AND col BETWEEN $5 AND $6';
const areaArgs = (docId: string, a: Area) => [docId, a.sheet, a.rect.top, a.rect.bottom, a.rect.left, a.rect.right];
const cellId = (sheet: string, row: number, col: number) => `${row}:${col}:${sheet}`;

async function one<T>(db: pg.Pool | Client, sql: string, args: unknown[], map: (row: any) => T): Promise<T | null> {
  const { rows } = await db.query(sql, args);
  return rows[0] ? map(rows[0]) : null;
}

export class PostgresBackend implements StoreBackend {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  transaction<T>(docIds: string[], work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // BEGIN and the lock in one round trip. Locked in one order on every instance, so two groups
    // never deadlock; the rows the lock reads serve the first read of each doc.
    const begin = (c: Client) =>
      docIds.length === 0 ? 'BEGIN' : `BEGIN; SELECT * FROM docs WHERE doc_id IN (${docIds.map((id) => c.escapeLiteral(id)).join(', ')}) ORDER BY doc_id FOR UPDATE`;
    return inTransaction(this.#pool, begin, async (c, began) => {
      const locked = new Map<string, DocRow>();
      for (const row of (began[1]?.rows ?? []) as DocRow[]) locked.set(row.doc_id, row);
      return work(transactionOps(c, locked));
    });
  }

  /** The owner's publishes wait on one lock, so each counts what the one before it committed. */
  createDoc(doc: NewDoc, createdAt: number, maxPerOwner: number): Promise<DocRecord | null> {
    return inTransaction(this.#pool, 'BEGIN', async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext('sheetcast owner ' || $1))", [doc.ownerId]);
      return one(
        c,
        `INSERT INTO docs (doc_id, share_id, owner_id, spreadsheet_id, title, ranges, access, allow, view, ingest_key_hash, epoch, seq, created_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 0, $11 WHERE (SELECT count(*) FROM docs WHERE owner_id = $3) < $12 RETURNING *`,
        [
          doc.docId, doc.shareId, doc.ownerId, doc.spreadsheetId, doc.title, JSON.stringify(doc.ranges),
          doc.access, JSON.stringify(doc.allow), JSON.stringify(doc.view ?? {}), doc.ingestKeyHash, createdAt, maxPerOwner,
        ],
        toDoc,
      );
    });
  }

  getDoc(docId: string): Promise<DocRecord | null> {
    return one(this.#pool, 'SELECT * FROM docs WHERE doc_id = $1', [docId], toDoc);
  }

  getDocByShare(shareId: string): Promise<DocRecord | null> {
    return one(this.#pool, 'SELECT * FROM docs WHERE share_id = $1', [shareId], toDoc);
  }

  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null> {
    return one(this.#pool, 'SELECT * FROM docs WHERE owner_id = $1 AND spreadsheet_id = $2 ORDER BY created_at LIMIT 1', [ownerId, spreadsheetId], toDoc);
  }

  async countDocs(ownerId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>('SELECT count(*) AS n FROM docs WHERE owner_id = $1', [ownerId]);
    return Number(rows[0]!.n);
  }

  /** One repeatable-read transaction: the doc and its cells as one commit left them. */
  snapshot<T>(work: (read: SnapshotReader) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (c) =>
      work({
        getDoc: (docId) => one(c, 'SELECT * FROM docs WHERE doc_id = $1', [docId], toDoc),
        valuesIn: async (docId, area) =>
          (await c.query<[number, number, string]>({ text: `SELECT row, col, value FROM cells WHERE ${IN_AREA}`, values: areaArgs(docId, area), rowMode: 'array' })).rows,
        formats: (docId) => storedFormats(c, docId),
      }),
    );
  }

  async deltasAfter(docId: string, afterSeq: number, throughSeq: number): Promise<StoredDelta[]> {
    const { rows } = await this.#pool.query<DeltaRow>(
      'SELECT seq, changes, formats FROM deltas WHERE doc_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
      [docId, afterSeq, throughSeq],
    );
    return rows.map(toStoredDelta);
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

function transactionOps(c: Client, locked: Map<string, DocRow>): StoreTransaction {
  const lockedDoc = (row: DocRow) => ({ doc: toDoc(row), batchCount: row.batch_count, bytes: row.bytes });
  return {
    doc: async (docId) => {
      // The row as the lock read it, once: a later read (after an update) asks again.
      const row = locked.get(docId);
      locked.delete(docId);
      return row ? lockedDoc(row) : one(c, 'SELECT * FROM docs WHERE doc_id = $1', [docId], lockedDoc);
    },
    groupReads: (docId, batchIds, writes) => groupReads(c, docId, batchIds, writes),
    writeCells: (docId, cells) => upsertCells(c, docId, cells),
    formats: (docId) => storedFormats(c, docId),
    writeFormats: async (docId, formats) => {
      if (formats.length === 0) return;
      await c.query(
        `INSERT INTO formats (doc_id, sheet, range, body, at) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (doc_id, range, sheet) DO UPDATE SET body = excluded.body, at = excluded.at`,
        [docId, formats.map((f) => f.sheet), formats.map((f) => f.range), formats.map((f) => f.body), formats.map((f) => f.at)],
      );
    },
    deleteFormats: async (docId) => {
      await c.query('DELETE FROM formats WHERE doc_id = $1', [docId]);
    },
    writeGroup: (docId, w) => writeGroup(c, docId, w),
    recountBytes: async (docId) => {
      await c.query('UPDATE docs SET bytes = (SELECT coalesce(sum(octet_length(value)), 0) FROM cells WHERE doc_id = $1) WHERE doc_id = $1', [docId]);
    },
    updateDoc: async (docId, settings) => {
      const set = settingColumns(settings);
      if (set.length === 0) return;
      await c.query(`UPDATE docs SET ${set.map(([column], i) => `${column} = $${i + 2}`).join(', ')} WHERE doc_id = $1`, [docId, ...set.map(([, v]) => v)]);
    },
    cellsIn: async (docId, area) => (await c.query<Cell>(`SELECT sheet, row, col, value, at FROM cells WHERE ${IN_AREA}`, areaArgs(docId, area))).rows,
    deleteCellsIn: async (docId, area) => {
      await c.query(`DELETE FROM cells WHERE ${IN_AREA}`, areaArgs(docId, area));
    },
    deleteCellsOutside: async (docId, areas) => {
      const args: unknown[] = [docId];
      const inside = areas.map((a) => {
        const [s, t, b, l, r] = [a.sheet, a.rect.top, a.rect.bottom, a.rect.left, a.rect.right].map((v) => `$${args.push(v)}`);
        return `(sheet = ${s} AND row BETWEEN ${t} AND ${b} AND col BETWEEN ${l} AND ${r})`;
      });
      await c.query(`DELETE FROM cells WHERE doc_id = $1 ${inside.length > 0 ? `AND NOT (${inside.join(' OR ')})` : ''}`, args);
    },
    dropHistory: async (docId) => {
      await c.query('DELETE FROM deltas WHERE doc_id = $1', [docId]);
    },
    deleteDoc: async (docId) => {
      for (const table of ['cells', 'formats', 'deltas', 'batches']) await c.query(`DELETE FROM ${table} WHERE doc_id = $1`, [docId]);
      return ((await c.query('DELETE FROM docs WHERE doc_id = $1', [docId])).rowCount ?? 0) > 0;
    },
  };
}

async function storedFormats(c: Client, docId: string): Promise<StoredFormat[]> {
  return (await c.query<StoredFormat>('SELECT sheet, range, body, at FROM formats WHERE doc_id = $1', [docId])).rows;
}

/**
 * A group's writes of one doc in one statement (one round trip while the row is locked): cells,
 * deltas and batch ids inserted, old history and ids pruned, the doc advanced. The statement's
 * parts share one snapshot, so the pruning never sees the rows it inserts; a batch id past the
 * limit is pruned by the next group.
 */
async function writeGroup(c: Client, docId: string, w: GroupWrites): Promise<void> {
  await c.query(
    `WITH written AS (
       INSERT INTO cells (doc_id, sheet, row, col, value, at)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bigint[])
       ON CONFLICT (doc_id, sheet, row, col) DO UPDATE SET value = excluded.value, at = excluded.at
     ), sequenced AS (
       INSERT INTO deltas (doc_id, seq, changes, formats) SELECT $1, * FROM unnest($7::bigint[], $8::text[], $9::text[])
     ), recorded AS (
       INSERT INTO batches (doc_id, batch_id, n, result) SELECT $1, * FROM unnest($10::text[], $11::bigint[], $12::text[])
     ), old_deltas AS (
       DELETE FROM deltas WHERE doc_id = $1 AND seq <= $13
     ), old_batches AS (
       DELETE FROM batches WHERE doc_id = $1 AND n <= $14
     )
     UPDATE docs SET seq = $15, batch_count = $16, last_edit_at = COALESCE($17, last_edit_at), bytes = $18 WHERE doc_id = $1`,
    [
      docId,
      w.cells.map((x) => x.sheet), w.cells.map((x) => x.row), w.cells.map((x) => x.col), w.cells.map((x) => x.value), w.cells.map((x) => x.at),
      w.deltas.map((d) => d.seq), w.deltas.map((d) => JSON.stringify(d.changes)), w.deltas.map((d) => (d.formats ? JSON.stringify(d.formats) : null)),
      w.batches.map((b) => b.batchId), w.batches.map((b) => b.n), w.batches.map((b) => JSON.stringify(b.result)),
      w.deltasThrough, w.batchesThrough, w.seq, w.batchCount, w.lastEditAt, w.bytes,
    ],
  );
}

/** A group's remembered answers and stored cells in one query (one round trip). */
async function groupReads(c: Client, docId: string, batchIds: string[], writes: CellWrite[]): Promise<GroupReads> {
  const { rows } = await c.query<{ kind: 'batch' | 'cell'; key: string; row: number | null; col: number | null; value: string; at: number | null }>(
    `SELECT 'batch' AS kind, batch_id AS key, NULL::int AS row, NULL::int AS col, result AS value, NULL::bigint AS at
       FROM batches WHERE doc_id = $1 AND batch_id = ANY($2)
     UNION ALL
     SELECT 'cell', sheet, row, col, value, at FROM cells
       WHERE doc_id = $1 AND (sheet, row, col) IN (SELECT * FROM unnest($3::text[], $4::int[], $5::int[]))`,
    [docId, batchIds, writes.map((w) => w.sheet), writes.map((w) => w.row), writes.map((w) => w.col)],
  );
  const answers = new Map<string, BatchResult>();
  const found = new Map<string, StoredCell>();
  for (const r of rows) {
    if (r.kind === 'batch') answers.set(r.key, JSON.parse(r.value) as BatchResult);
    else found.set(cellId(r.key, r.row!, r.col!), { value: r.value, at: r.at! });
  }
  return { answers, stored: (w) => found.get(cellId(w.sheet, w.row, w.col)) };
}

/** Writes every cell in one statement. */
async function upsertCells(c: Client, docId: string, cells: Cell[]): Promise<void> {
  if (cells.length === 0) return;
  await c.query(
    `INSERT INTO cells (doc_id, sheet, row, col, value, at)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bigint[])
     ON CONFLICT (doc_id, sheet, row, col) DO UPDATE SET value = excluded.value, at = excluded.at`,
    [docId, cells.map((w) => w.sheet), cells.map((w) => w.row), cells.map((w) => w.col), cells.map((w) => w.value), cells.map((w) => w.at)],
  );
}
