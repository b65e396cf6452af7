// The Postgres store's SQL, for many relay instances on one database. A transaction locks its
// docs' rows (SELECT … FOR UPDATE, in doc id order), so a doc's seq is assigned atomically with
// its cells, delta and batch id, whichever instance takes the edit.
import type pg from 'pg';
import type { Area, CellWrite } from '../cells/cells.ts';
import type { BatchResult, Cell, SnapshotReader, StoreBackend, StoreTransaction, StoredDelta, StoredFormat } from './backend.ts';
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
    return inTransaction(this.#pool, 'BEGIN', async (c) => {
      // Locked in one order on every instance, so two groups never deadlock.
      if (docIds.length > 0) await c.query('SELECT 1 FROM docs WHERE doc_id = ANY($1) ORDER BY doc_id FOR UPDATE', [docIds]);
      return work(transactionOps(c));
    });
  }

  async createDoc(doc: NewDoc, createdAt: number): Promise<DocRecord> {
    const { rows } = await this.#pool.query<DocRow>(
      `INSERT INTO docs (doc_id, share_id, owner_id, spreadsheet_id, title, ranges, access, allow, view, ingest_key_hash, epoch, seq, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 0, $11) RETURNING *`,
      [
        doc.docId, doc.shareId, doc.ownerId, doc.spreadsheetId, doc.title, JSON.stringify(doc.ranges),
        doc.access, JSON.stringify(doc.allow), JSON.stringify(doc.view ?? {}), doc.ingestKeyHash, createdAt,
      ],
    );
    return toDoc(rows[0]!);
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

function transactionOps(c: Client): StoreTransaction {
  return {
    doc: (docId) => one(c, 'SELECT * FROM docs WHERE doc_id = $1', [docId], (row: DocRow) => ({ doc: toDoc(row), batchCount: row.batch_count })),
    batchResult: (docId, batchId) =>
      one(c, 'SELECT result FROM batches WHERE doc_id = $1 AND batch_id = $2', [docId, batchId], (r) => JSON.parse(r.result) as BatchResult),
    storedCells: (docId, writes) => storedCells(c, docId, writes),
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
    appendDelta: async (docId, delta) => {
      await c.query('INSERT INTO deltas (doc_id, seq, changes, formats) VALUES ($1, $2, $3, $4)', [
        docId, delta.seq, JSON.stringify(delta.changes), delta.formats ? JSON.stringify(delta.formats) : null,
      ]);
    },
    recordBatch: async (docId, batchId, n, result) => {
      await c.query('INSERT INTO batches (doc_id, batch_id, n, result) VALUES ($1, $2, $3, $4)', [docId, batchId, n, JSON.stringify(result)]);
    },
    prune: async (docId, deltasThrough, batchesThrough) => {
      await c.query(
        'WITH old AS (DELETE FROM deltas WHERE doc_id = $1 AND seq <= $2) DELETE FROM batches WHERE doc_id = $1 AND n <= $3',
        [docId, deltasThrough, batchesThrough],
      );
    },
    advance: async (docId, seq, batchCount, lastEditAt) => {
      await c.query('UPDATE docs SET seq = $1, batch_count = $2, last_edit_at = COALESCE($3, last_edit_at) WHERE doc_id = $4', [seq, batchCount, lastEditAt, docId]);
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

/** The stored value and read time of each cell a batch writes, in one query. */
async function storedCells(c: Client, docId: string, writes: CellWrite[]): Promise<(w: CellWrite) => StoredCell | undefined> {
  const found = new Map<string, StoredCell>();
  if (writes.length > 0) {
    const { rows } = await c.query<Cell>(
      `SELECT sheet, row, col, value, at FROM cells
       WHERE doc_id = $1 AND (sheet, row, col) IN (SELECT * FROM unnest($2::text[], $3::int[], $4::int[]))`,
      [docId, writes.map((w) => w.sheet), writes.map((w) => w.row), writes.map((w) => w.col)],
    );
    for (const r of rows) found.set(cellId(r.sheet, r.row, r.col), { value: r.value, at: r.at });
  }
  return (w) => found.get(cellId(w.sheet, w.row, w.col));
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
