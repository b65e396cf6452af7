// The embedded store: one SQLite file through node:sqlite, WAL with synchronous=FULL so an
// acknowledged edit survives a crash of the process or of the machine.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ShareSnapshot } from '../../protocol/wire.ts';
import { parseA1 } from '../../protocol/a1.ts';
import { describeChanges, rangeMoves, reclip, type RangeMove } from '../cells/cells.ts';
import {
  resolveWrites,
  type Batch,
  type BatchOutcome,
  type Delta,
  type DocChange,
  type DocRecord,
  type NewDoc,
  type DocSyncRecord,
  type DriveChannelRecord,
  type GoogleGrantRecord,
  type Store,
} from './store.ts';
import { toDoc, toDocSync, toDriveChannel, toGoogleGrant, type DocRow } from './rows.ts';

const MIGRATIONS = [
  `CREATE TABLE docs (
     doc_id TEXT PRIMARY KEY,
     share_id TEXT NOT NULL UNIQUE,
     owner_id TEXT NOT NULL,
     spreadsheet_id TEXT NOT NULL,
     title TEXT NOT NULL,
     ranges TEXT NOT NULL,
     access TEXT NOT NULL,
     allow TEXT NOT NULL,
     ingest_key_hash TEXT NOT NULL,
     epoch INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     batch_count INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     last_edit_at INTEGER
   );
   CREATE INDEX docs_by_owner ON docs (owner_id, spreadsheet_id);
   CREATE TABLE cells (
     doc_id TEXT NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL, col INTEGER NOT NULL,
     value TEXT NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (doc_id, sheet, row, col)
   ) WITHOUT ROWID;
   CREATE TABLE deltas (
     doc_id TEXT NOT NULL, seq INTEGER NOT NULL, changes TEXT NOT NULL,
     PRIMARY KEY (doc_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE batches (
     doc_id TEXT NOT NULL, batch_id TEXT NOT NULL, n INTEGER NOT NULL, result TEXT NOT NULL,
     PRIMARY KEY (doc_id, batch_id)
   ) WITHOUT ROWID;
   CREATE INDEX batches_by_n ON batches (doc_id, n);`,
  // Google integration: sealed grants, server-side sync state, Drive channels (hashed tokens).
  // Sync rows and channels outlive an unpublished doc until its channels are stopped at Google.
  `CREATE TABLE google_grants (
     owner_id TEXT PRIMARY KEY,
     email TEXT NOT NULL,
     scopes TEXT NOT NULL,
     sealed_refresh_token TEXT NOT NULL,
     sealed_access_token TEXT,
     access_expires_at INTEGER,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE doc_sync (
     doc_id TEXT PRIMARY KEY,
     owner_id TEXT NOT NULL,
     status TEXT NOT NULL,
     last_sync_at INTEGER,
     last_error TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX doc_sync_by_owner ON doc_sync (owner_id);
   CREATE TABLE drive_channels (
     channel_id TEXT PRIMARY KEY,
     doc_id TEXT NOT NULL,
     resource_id TEXT NOT NULL,
     token_hash TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX drive_channels_by_doc ON drive_channels (doc_id);
   CREATE INDEX drive_channels_by_expiry ON drive_channels (expires_at);`,
];

export interface SqliteStoreOptions {
  historyLimit: number;
  batchIdLimit: number;
}

export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #options: SqliteStoreOptions;
  readonly #sql: Record<string, StatementSync>;
  /** Batches waiting for the next group commit, with their callers. */
  readonly #queued: { docId: string; batch: Batch; resolve(outcome: BatchOutcome | null): void; reject(error: unknown): void }[] = [];

  constructor(path: string, options: SqliteStoreOptions) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#options = options;
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    this.#migrate();
    const db = this.#db;
    this.#sql = {
      insertDoc: db.prepare(
        `INSERT INTO docs (doc_id, share_id, owner_id, spreadsheet_id, title, ranges, access, allow, ingest_key_hash, epoch, seq, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)`,
      ),
      docById: db.prepare('SELECT * FROM docs WHERE doc_id = ?'),
      docByShare: db.prepare('SELECT * FROM docs WHERE share_id = ?'),
      docByOwner: db.prepare('SELECT * FROM docs WHERE owner_id = ? AND spreadsheet_id = ? ORDER BY created_at LIMIT 1'),
      batch: db.prepare('SELECT result FROM batches WHERE doc_id = ? AND batch_id = ?'),
      insertBatch: db.prepare('INSERT INTO batches (doc_id, batch_id, n, result) VALUES (?, ?, ?, ?)'),
      pruneBatches: db.prepare('DELETE FROM batches WHERE doc_id = ? AND n <= ?'),
      cell: db.prepare('SELECT value, at FROM cells WHERE doc_id = ? AND sheet = ? AND row = ? AND col = ?'),
      upsertCell: db.prepare(
        `INSERT INTO cells (doc_id, sheet, row, col, value, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (doc_id, sheet, row, col) DO UPDATE SET value = excluded.value, at = excluded.at`,
      ),
      cellsIn: db.prepare(
        'SELECT row, col, value, at FROM cells WHERE doc_id = ? AND sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?',
      ),
      valuesIn: db.prepare(
        'SELECT row, col, value FROM cells WHERE doc_id = ? AND sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?',
      ),
      insertDelta: db.prepare('INSERT INTO deltas (doc_id, seq, changes) VALUES (?, ?, ?)'),
      pruneDeltas: db.prepare('DELETE FROM deltas WHERE doc_id = ? AND seq <= ?'),
      deltasAfter: db.prepare('SELECT seq, changes FROM deltas WHERE doc_id = ? AND seq > ? ORDER BY seq'),
      advance: db.prepare('UPDATE docs SET seq = ?, batch_count = ?, last_edit_at = ? WHERE doc_id = ?'),
      countBatch: db.prepare('UPDATE docs SET batch_count = ? WHERE doc_id = ?'),
    };
    // A snapshot reads every cell of its ranges: rows as arrays rather than objects halve that.
    this.#sql.valuesIn!.setReturnArrays(true);
  }

  #migrate(): void {
    const { user_version: version } = this.#db.prepare('PRAGMA user_version').get() as { user_version: number };
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.#transaction(() => {
        this.#db.exec(MIGRATIONS[v]!);
        this.#db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #doc(docId: string): DocRecord | null {
    const row = this.#sql.docById!.get(docId) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  async createDoc(doc: NewDoc): Promise<DocRecord> {
    this.#sql.insertDoc!.run(
      doc.docId,
      doc.shareId,
      doc.ownerId,
      doc.spreadsheetId,
      doc.title,
      JSON.stringify(doc.ranges),
      doc.access,
      JSON.stringify(doc.allow),
      doc.ingestKeyHash,
      Date.now(),
    );
    return this.#doc(doc.docId)!;
  }

  async getDoc(docId: string): Promise<DocRecord | null> {
    return this.#doc(docId);
  }

  async getDocByShare(shareId: string): Promise<DocRecord | null> {
    const row = this.#sql.docByShare!.get(shareId) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  async findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null> {
    const row = this.#sql.docByOwner!.get(ownerId, spreadsheetId) as DocRow | undefined;
    return row ? toDoc(row) : null;
  }

  async updateDoc(docId: string, change: DocChange): Promise<DocRecord | null> {
    // Edits that arrived first are applied first, under the ranges they were clipped to.
    this.#commitQueued();
    return this.#transaction(() => {
      const doc = this.#doc(docId);
      if (!doc) return null;
      const sets: string[] = [];
      const args: (string | number)[] = [];
      const set = (column: string, value: string | number) => {
        sets.push(`${column} = ?`);
        args.push(value);
      };
      if (change.title !== undefined) set('title', change.title);
      if (change.access !== undefined) set('access', change.access);
      if (change.allow !== undefined) set('allow', JSON.stringify(change.allow));
      if (change.ingestKeyHash !== undefined) set('ingest_key_hash', change.ingestKeyHash);
      if (change.ranges !== undefined) {
        set('ranges', JSON.stringify(change.ranges));
        set('epoch', doc.epoch + 1);
        this.#db.prepare('DELETE FROM deltas WHERE doc_id = ?').run(docId);
        this.#moveCells(docId, rangeMoves(doc.ranges, change.ranges));
        this.#deleteCellsOutside(docId, change.ranges);
      }
      if (sets.length > 0) this.#db.prepare(`UPDATE docs SET ${sets.join(', ')} WHERE doc_id = ?`).run(...args, docId);
      return this.#doc(docId);
    });
  }

  // All moves read their cells before any is written, so ranges that swap or overlap move cleanly.
  #moveCells(docId: string, moves: RangeMove[]): void {
    const moving = moves.map(({ from, to }) => ({
      to,
      dr: to.rect.top - from.rect.top,
      dc: to.rect.left - from.rect.left,
      cells: this.#sql.cellsIn!.all(docId, from.sheet, from.rect.top, from.rect.bottom, from.rect.left, from.rect.right) as {
        row: number;
        col: number;
        value: string;
        at: number;
      }[],
    }));
    for (const { from } of moves) {
      const { top, bottom, left, right } = from.rect;
      this.#db
        .prepare('DELETE FROM cells WHERE doc_id = ? AND sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?')
        .run(docId, from.sheet, top, bottom, left, right);
    }
    for (const { to, dr, dc, cells } of moving) {
      for (const c of cells) this.#sql.upsertCell!.run(docId, to.sheet, c.row + dr, c.col + dc, c.value, c.at);
    }
  }

  // Nothing outside a published range is kept: shrinking the ranges deletes those cells.
  #deleteCellsOutside(docId: string, ranges: DocChange['ranges'] & {}): void {
    const inside: string[] = [];
    const args: (string | number)[] = [docId];
    for (const r of ranges) {
      const rect = parseA1(r.range)!;
      inside.push('(sheet = ? AND row BETWEEN ? AND ? AND col BETWEEN ? AND ?)');
      args.push(r.sheet, rect.top, rect.bottom, rect.left, rect.right);
    }
    const keep = inside.length > 0 ? `AND NOT (${inside.join(' OR ')})` : '';
    this.#db.prepare(`DELETE FROM cells WHERE doc_id = ? ${keep}`).run(...args);
  }

  async deleteDoc(docId: string): Promise<boolean> {
    this.#commitQueued();
    return this.#transaction(() => {
      for (const table of ['cells', 'deltas', 'batches']) {
        this.#db.prepare(`DELETE FROM ${table} WHERE doc_id = ?`).run(docId);
      }
      return this.#db.prepare('DELETE FROM docs WHERE doc_id = ?').run(docId).changes > 0;
    });
  }

  /**
   * Group commit: the batches that arrive in one turn of the event loop are applied in one
   * transaction, so one fsync makes them all durable; each caller is answered after it.
   */
  applyBatch(docId: string, batch: Batch): Promise<BatchOutcome | null> {
    return new Promise((resolve, reject) => {
      if (this.#queued.push({ docId, batch, resolve, reject }) === 1) setImmediate(() => this.#commitQueued());
    });
  }

  #commitQueued(): void {
    if (this.#queued.length === 0) return;
    const queued = this.#queued.splice(0);
    const outcomes: ({ ok: BatchOutcome | null } | { error: unknown })[] = [];
    try {
      this.#transaction(() => {
        for (const { docId, batch } of queued) {
          // A batch that fails is undone alone; the others still commit.
          this.#db.exec('SAVEPOINT batch');
          try {
            outcomes.push({ ok: this.#applyOne(docId, batch) });
          } catch (error) {
            this.#db.exec('ROLLBACK TO batch');
            outcomes.push({ error });
          }
          this.#db.exec('RELEASE batch');
        }
      });
    } catch (error) {
      for (const q of queued) q.reject(error);
      return;
    }
    queued.forEach((q, i) => {
      const outcome = outcomes[i]!;
      if ('ok' in outcome) q.resolve(outcome.ok);
      else q.reject(outcome.error);
    });
  }

  #applyOne(docId: string, clipped: Batch): BatchOutcome | null {
    const sql = this.#sql;
    const row = sql.docById!.get(docId) as DocRow | undefined;
    if (!row) return null;
    const batch = row.epoch === clipped.epoch ? clipped : reclip(clipped, JSON.parse(row.ranges));
    const prior = sql.batch!.get(docId, batch.batchId) as { result: string } | undefined;
    if (prior) return { result: { ...JSON.parse(prior.result), duplicate: true }, delta: null };

    const { keep, changed } = resolveWrites(batch.writes, batch.at, (w) =>
      sql.cell!.get(docId, w.sheet, w.row, w.col) as { value: string; at: number } | undefined,
    );
    for (const w of keep) sql.upsertCell!.run(docId, w.sheet, w.row, w.col, w.value, batch.at);

    let delta: Delta | null = null;
    const seq = changed.length > 0 ? row.seq + 1 : row.seq;
    if (changed.length > 0) {
      delta = { docId, epoch: row.epoch, seq, changes: describeChanges(batch.areas, changed) };
      sql.insertDelta!.run(docId, seq, JSON.stringify(delta.changes));
      sql.pruneDeltas!.run(docId, seq - this.#options.historyLimit);
    }
    const n = row.batch_count + 1;
    if (changed.length > 0) sql.advance!.run(seq, n, Date.now(), docId);
    else sql.countBatch!.run(n, docId);

    const result = { seq, applied: changed.length, dropped: batch.incoming - changed.length };
    sql.insertBatch!.run(docId, batch.batchId, n, JSON.stringify(result));
    sql.pruneBatches!.run(docId, n - this.#options.batchIdLimit);
    return { result: { ...result, duplicate: false }, delta };
  }

  async readSnapshot(docId: string): Promise<ShareSnapshot | null> {
    const doc = this.#doc(docId);
    if (!doc) return null;
    const ranges = doc.ranges.map((r) => {
      const rect = parseA1(r.range)!;
      const values = Array.from({ length: rect.bottom - rect.top + 1 }, () =>
        new Array<string>(rect.right - rect.left + 1).fill(''),
      );
      const cells = this.#sql.valuesIn!.all(docId, r.sheet, rect.top, rect.bottom, rect.left, rect.right) as unknown as [number, number, string][];
      for (const [row, col, value] of cells) values[row - rect.top]![col - rect.left] = value;
      return { sheet: r.sheet, range: r.range, values };
    });
    return { epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges };
  }

  async readDeltas(docId: string, epoch: number, afterSeq: number): Promise<Delta[] | null> {
    const doc = this.#doc(docId);
    if (!doc || doc.epoch !== epoch || afterSeq > doc.seq) return null;
    const rows = this.#sql.deltasAfter!.all(docId, afterSeq) as { seq: number; changes: string }[];
    if (rows.length !== doc.seq - afterSeq || (rows.length > 0 && rows[0]!.seq !== afterSeq + 1)) return null;
    return rows.map((r) => ({ docId, epoch, seq: r.seq, changes: JSON.parse(r.changes) }));
  }

  async saveGoogleGrant(grant: GoogleGrantRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO google_grants (owner_id, email, scopes, sealed_refresh_token, sealed_access_token, access_expires_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner_id) DO UPDATE SET email = excluded.email, scopes = excluded.scopes,
           sealed_refresh_token = excluded.sealed_refresh_token, sealed_access_token = excluded.sealed_access_token,
           access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
      )
      .run(grant.ownerId, grant.email, JSON.stringify(grant.scopes), grant.sealedRefreshToken, grant.sealedAccessToken, grant.accessExpiresAt, grant.updatedAt);
  }

  async getGoogleGrant(ownerId: string): Promise<GoogleGrantRecord | null> {
    const row = this.#db.prepare('SELECT * FROM google_grants WHERE owner_id = ?').get(ownerId) as Record<string, any> | undefined;
    return row ? toGoogleGrant(row) : null;
  }

  async deleteGoogleGrant(ownerId: string): Promise<void> {
    this.#db.prepare('DELETE FROM google_grants WHERE owner_id = ?').run(ownerId);
  }

  async saveDocSync(sync: DocSyncRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO doc_sync (doc_id, owner_id, status, last_sync_at, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET owner_id = excluded.owner_id, status = excluded.status,
           last_sync_at = excluded.last_sync_at, last_error = excluded.last_error, updated_at = excluded.updated_at`,
      )
      .run(sync.docId, sync.ownerId, sync.status, sync.lastSyncAt, sync.lastError, sync.updatedAt);
  }

  async getDocSync(docId: string): Promise<DocSyncRecord | null> {
    const row = this.#db.prepare('SELECT * FROM doc_sync WHERE doc_id = ?').get(docId) as Record<string, any> | undefined;
    return row ? toDocSync(row) : null;
  }

  async docSyncsOf(ownerId: string): Promise<DocSyncRecord[]> {
    return (this.#db.prepare('SELECT * FROM doc_sync WHERE owner_id = ? ORDER BY doc_id').all(ownerId) as Record<string, any>[]).map(toDocSync);
  }

  async deleteDocSync(docId: string): Promise<void> {
    this.#db.prepare('DELETE FROM doc_sync WHERE doc_id = ?').run(docId);
  }

  async saveDriveChannel(channel: DriveChannelRecord): Promise<void> {
    this.#db
      .prepare('INSERT INTO drive_channels (channel_id, doc_id, resource_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(channel.channelId, channel.docId, channel.resourceId, channel.tokenHash, channel.expiresAt, channel.createdAt);
  }

  async getDriveChannel(channelId: string): Promise<DriveChannelRecord | null> {
    const row = this.#db.prepare('SELECT * FROM drive_channels WHERE channel_id = ?').get(channelId) as Record<string, any> | undefined;
    return row ? toDriveChannel(row) : null;
  }

  async driveChannelsOf(docId: string): Promise<DriveChannelRecord[]> {
    return (this.#db.prepare('SELECT * FROM drive_channels WHERE doc_id = ? ORDER BY expires_at').all(docId) as Record<string, any>[]).map(toDriveChannel);
  }

  async driveChannelsExpiringBefore(time: number): Promise<DriveChannelRecord[]> {
    return (this.#db.prepare('SELECT * FROM drive_channels WHERE expires_at < ? ORDER BY expires_at').all(time) as Record<string, any>[]).map(toDriveChannel);
  }

  async deleteDriveChannel(channelId: string): Promise<void> {
    this.#db.prepare('DELETE FROM drive_channels WHERE channel_id = ?').run(channelId);
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.#commitQueued();
    if (this.#db.isOpen) {
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      this.#db.close();
    }
  }
}
