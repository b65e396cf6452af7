// The embedded store's SQL: prepared statements over one SQLite connection. BEGIN IMMEDIATE takes
// the whole database, so a transaction holds every doc it names without locking rows.
import type { StatementSync } from 'node:sqlite';
import type { Area, CellWrite } from '../cells/cells.ts';
import type { BatchResult, Cell, DocSettings, LockedDoc, SnapshotReader, StoreBackend, StoreTransaction, StoredDelta, StoredFormat } from './backend.ts';
import { settingColumns, toDoc, toStoredDelta, type DeltaRow, type DocRow } from './rows.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import type { DocRecord, NewDoc, StoredCell } from './store.ts';

const IN_AREA = 'doc_id = ? AND sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?';
const areaArgs = (docId: string, a: Area) => [docId, a.sheet, a.rect.top, a.rect.bottom, a.rect.left, a.rect.right] as const;

export class SqliteBackend implements StoreBackend {
  readonly connection: SqliteConnection;
  readonly #sql: Record<string, StatementSync>;
  readonly #tx: StoreTransaction;
  readonly #reader: SnapshotReader;

  constructor(path: string) {
    this.connection = new SqliteConnection(path);
    const db = this.connection.db;
    const sql = (this.#sql = {
      // Counted and inserted in one statement, so publishes racing each other cannot pass the cap.
      insertDoc: db.prepare(
        `INSERT INTO docs (doc_id, share_id, owner_id, spreadsheet_id, title, ranges, access, allow, view, ingest_key_hash, epoch, seq, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ? WHERE (SELECT count(*) FROM docs WHERE owner_id = ?) < ?`,
      ),
      docById: db.prepare('SELECT * FROM docs WHERE doc_id = ?'),
      docByShare: db.prepare('SELECT * FROM docs WHERE share_id = ?'),
      docCount: db.prepare('SELECT count(*) AS n FROM docs WHERE owner_id = ?'),
      docByOwner: db.prepare('SELECT * FROM docs WHERE owner_id = ? AND spreadsheet_id = ? ORDER BY created_at LIMIT 1'),
      batch: db.prepare('SELECT result FROM batches WHERE doc_id = ? AND batch_id = ?'),
      insertBatch: db.prepare('INSERT INTO batches (doc_id, batch_id, n, result) VALUES (?, ?, ?, ?)'),
      pruneBatches: db.prepare('DELETE FROM batches WHERE doc_id = ? AND n <= ?'),
      cell: db.prepare('SELECT value, at FROM cells WHERE doc_id = ? AND sheet = ? AND row = ? AND col = ?'),
      upsertCell: db.prepare(
        `INSERT INTO cells (doc_id, sheet, row, col, value, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (doc_id, sheet, row, col) DO UPDATE SET value = excluded.value, at = excluded.at`,
      ),
      cellsIn: db.prepare(`SELECT sheet, row, col, value, at FROM cells WHERE ${IN_AREA}`),
      valuesIn: db.prepare(`SELECT row, col, value FROM cells WHERE ${IN_AREA}`),
      deleteIn: db.prepare(`DELETE FROM cells WHERE ${IN_AREA}`),
      insertDelta: db.prepare('INSERT INTO deltas (doc_id, seq, changes, formats) VALUES (?, ?, ?, ?)'),
      formats: db.prepare('SELECT sheet, range, body, at FROM formats WHERE doc_id = ?'),
      upsertFormat: db.prepare(
        `INSERT INTO formats (doc_id, sheet, range, body, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (doc_id, range, sheet) DO UPDATE SET body = excluded.body, at = excluded.at`,
      ),
      deleteFormats: db.prepare('DELETE FROM formats WHERE doc_id = ?'),
      pruneDeltas: db.prepare('DELETE FROM deltas WHERE doc_id = ? AND seq <= ?'),
      dropDeltas: db.prepare('DELETE FROM deltas WHERE doc_id = ?'),
      deltasAfter: db.prepare('SELECT seq, changes, formats FROM deltas WHERE doc_id = ? AND seq > ? AND seq <= ? ORDER BY seq'),
      advance: db.prepare('UPDATE docs SET seq = ?, batch_count = ?, last_edit_at = COALESCE(?, last_edit_at), bytes = ? WHERE doc_id = ?'),
      recountBytes: db.prepare('UPDATE docs SET bytes = (SELECT coalesce(sum(length(CAST(value AS BLOB))), 0) FROM cells WHERE doc_id = ?1) WHERE doc_id = ?1'),
    });
    // A snapshot reads every cell of its ranges: rows as arrays rather than objects halve that.
    sql.valuesIn!.setReturnArrays(true);
    this.#tx = this.#transactionOps();
    this.#reader = {
      getDoc: async (docId) => this.#doc(docId),
      valuesIn: async (docId, area) => sql.valuesIn!.all(...areaArgs(docId, area)) as unknown as [number, number, string][],
      formats: async (docId) => sql.formats!.all(docId) as unknown as StoredFormat[],
    };
  }

  #doc(docId: string): DocRecord | null {
    const row = this.#sql.docById!.get(docId) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  transaction<T>(_docIds: string[], work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.connection.transaction(() => work(this.#tx));
  }

  #transactionOps(): StoreTransaction {
    const db = this.connection.db;
    const sql = this.#sql;
    return {
      doc: async (docId): Promise<LockedDoc | null> => {
        const row = sql.docById!.get(docId) as DocRow | undefined;
        return row ? { doc: toDoc(row), batchCount: row.batch_count, bytes: row.bytes } : null;
      },
      groupReads: async (docId, batchIds) => {
        const answers = new Map<string, BatchResult>();
        for (const batchId of batchIds) {
          const row = sql.batch!.get(docId, batchId) as { result: string } | undefined;
          if (row) answers.set(batchId, JSON.parse(row.result) as BatchResult);
        }
        // Looked up one by one as last-writer-wins asks: an indexed read costs less than building a map.
        return { answers, stored: (w: CellWrite) => sql.cell!.get(docId, w.sheet, w.row, w.col) as StoredCell | undefined };
      },
      writeCells: async (docId, cells) => {
        for (const c of cells) sql.upsertCell!.run(docId, c.sheet, c.row, c.col, c.value, c.at);
      },
      formats: async (docId) => sql.formats!.all(docId) as unknown as StoredFormat[],
      writeFormats: async (docId, formats) => {
        for (const f of formats) sql.upsertFormat!.run(docId, f.sheet, f.range, f.body, f.at);
      },
      deleteFormats: async (docId) => void sql.deleteFormats!.run(docId),
      writeGroup: async (docId, w) => {
        for (const c of w.cells) sql.upsertCell!.run(docId, c.sheet, c.row, c.col, c.value, c.at);
        for (const d of w.deltas) sql.insertDelta!.run(docId, d.seq, JSON.stringify(d.changes), d.formats ? JSON.stringify(d.formats) : null);
        for (const b of w.batches) sql.insertBatch!.run(docId, b.batchId, b.n, JSON.stringify(b.result));
        sql.advance!.run(w.seq, w.batchCount, w.lastEditAt, w.bytes, docId);
        sql.pruneDeltas!.run(docId, w.deltasThrough);
        sql.pruneBatches!.run(docId, w.batchesThrough);
      },
      recountBytes: async (docId) => void sql.recountBytes!.run(docId),
      updateDoc: async (docId, settings) => updateDoc(this.connection, docId, settings),
      cellsIn: async (docId, area) => sql.cellsIn!.all(...areaArgs(docId, area)) as unknown as Cell[],
      deleteCellsIn: async (docId, area) => void sql.deleteIn!.run(...areaArgs(docId, area)),
      deleteCellsOutside: async (docId, areas) => {
        const keep = areas.map(() => `(sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?)`).join(' OR ');
        const args = areas.flatMap((a) => [a.sheet, a.rect.top, a.rect.bottom, a.rect.left, a.rect.right]);
        db.prepare(`DELETE FROM cells WHERE doc_id = ? ${keep ? `AND NOT (${keep})` : ''}`).run(docId, ...args);
      },
      dropHistory: async (docId) => void sql.dropDeltas!.run(docId),
      deleteDoc: async (docId) => {
        for (const table of ['cells', 'formats', 'deltas', 'batches']) db.prepare(`DELETE FROM ${table} WHERE doc_id = ?`).run(docId);
        return db.prepare('DELETE FROM docs WHERE doc_id = ?').run(docId).changes > 0;
      },
    };
  }

  createDoc(doc: NewDoc, createdAt: number, maxPerOwner: number): Promise<DocRecord | null> {
    return this.connection.run(() => {
      const { changes } = this.#sql.insertDoc!.run(
        doc.docId, doc.shareId, doc.ownerId, doc.spreadsheetId, doc.title, JSON.stringify(doc.ranges),
        doc.access, JSON.stringify(doc.allow), JSON.stringify(doc.view ?? {}), doc.ingestKeyHash, createdAt, doc.ownerId, maxPerOwner,
      );
      return changes > 0 ? this.#doc(doc.docId) : null;
    });
  }

  getDoc(docId: string): Promise<DocRecord | null> {
    return this.connection.run(() => this.#doc(docId));
  }

  getDocByShare(shareId: string): Promise<DocRecord | null> {
    return this.connection.run(() => {
      const row = this.#sql.docByShare!.get(shareId) as DocRow | undefined;
      return row ? toDoc(row) : null;
    });
  }

  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null> {
    return this.connection.run(() => {
      const row = this.#sql.docByOwner!.get(ownerId, spreadsheetId) as DocRow | undefined;
      return row ? toDoc(row) : null;
    });
  }

  countDocs(ownerId: string): Promise<number> {
    return this.connection.run(() => Number((this.#sql.docCount!.get(ownerId) as { n: number }).n));
  }

  snapshot<T>(work: (read: SnapshotReader) => Promise<T>): Promise<T> {
    return this.connection.exclusive(() => work(this.#reader));
  }

  deltasAfter(docId: string, afterSeq: number, throughSeq: number): Promise<StoredDelta[]> {
    return this.connection.run(() =>
      (this.#sql.deltasAfter!.all(docId, afterSeq, throughSeq) as unknown as DeltaRow[]).map(toStoredDelta),
    );
  }

  async ping(): Promise<void> {
    await this.connection.run(() => this.connection.db.prepare('SELECT 1').get());
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

function updateDoc(connection: SqliteConnection, docId: string, settings: DocSettings): void {
  const set = settingColumns(settings);
  if (set.length === 0) return;
  connection.db.prepare(`UPDATE docs SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE doc_id = ?`).run(...set.map(([, v]) => v), docId);
}
