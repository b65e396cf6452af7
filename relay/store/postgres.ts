// The Postgres store, for many relay instances on one database. A doc's row is locked for the
// length of each write (SELECT … FOR UPDATE), so its seq is assigned atomically with the cells,
// the delta and the batch id, whichever instance takes the edit.
import pg from 'pg';
import type { ShareSnapshot } from '../../protocol/wire.ts';
import { parseA1 } from '../../protocol/a1.ts';
import { describeChanges, rangeMoves, reclip, type RangeMove } from '../cells/cells.ts';
import { toDoc, toDocSync, toDriveChannel, toGoogleGrant, type DocRow } from './rows.ts';
import {
  resolveWrites,
  type Batch,
  type BatchOutcome,
  type Delta,
  type DocChange,
  type DocRecord,
  type DocSyncRecord,
  type DriveChannelRecord,
  type GoogleGrantRecord,
  type NewDoc,
  type Store,
  type StoredCell,
} from './store.ts';

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
     seq BIGINT NOT NULL,
     batch_count BIGINT NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL,
     last_edit_at BIGINT
   );
   CREATE INDEX docs_by_owner ON docs (owner_id, spreadsheet_id);
   CREATE TABLE cells (
     doc_id TEXT NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL, col INTEGER NOT NULL,
     value TEXT NOT NULL, at BIGINT NOT NULL,
     PRIMARY KEY (doc_id, sheet, row, col)
   );
   CREATE TABLE deltas (doc_id TEXT NOT NULL, seq BIGINT NOT NULL, changes TEXT NOT NULL, PRIMARY KEY (doc_id, seq));
   CREATE TABLE batches (
     doc_id TEXT NOT NULL, batch_id TEXT NOT NULL, n BIGINT NOT NULL, result TEXT NOT NULL,
     PRIMARY KEY (doc_id, batch_id)
   );
   CREATE INDEX batches_by_n ON batches (doc_id, n);`,
  `CREATE TABLE google_grants (
     owner_id TEXT PRIMARY KEY, email TEXT NOT NULL, scopes TEXT NOT NULL,
     sealed_refresh_token TEXT NOT NULL, sealed_access_token TEXT, access_expires_at BIGINT, updated_at BIGINT NOT NULL
   );
   CREATE TABLE doc_sync (
     doc_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, status TEXT NOT NULL,
     last_sync_at BIGINT, last_error TEXT, updated_at BIGINT NOT NULL
   );
   CREATE INDEX doc_sync_by_owner ON doc_sync (owner_id);
   CREATE TABLE drive_channels (
     channel_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, resource_id TEXT NOT NULL, token_hash TEXT NOT NULL,
     expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL
   );
   CREATE INDEX drive_channels_by_doc ON drive_channels (doc_id);
   CREATE INDEX drive_channels_by_expiry ON drive_channels (expires_at);`,
];

// BIGINT columns hold ms since the epoch and seqs: far below 2^53, so plain numbers are exact.
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'),
};

export interface PostgresStoreOptions {
  historyLimit: number;
  batchIdLimit: number;
  /** A schema of its own (created if missing) instead of the connection's default. */
  schema?: string;
}

type Client = pg.PoolClient;

export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #options: PostgresStoreOptions;
  readonly #queued: { docId: string; batch: Batch; resolve(outcome: BatchOutcome | null): void; reject(error: unknown): void }[] = [];
  #flushing: Promise<void> | null = null;

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#options = options;
  }

  /** Connects, and brings the schema up to date (one instance at a time). */
  static async open(connectionString: string, options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema;
    const pool = new pg.Pool({ connectionString, types, max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    pool.on('error', () => {}); // an idle client's lost connection: the pool replaces it
    const store = new PostgresStore(pool, options);
    try {
      await store.#transaction(async (c) => {
        await c.query("SELECT pg_advisory_xact_lock(hashtext('sheetcast migrations'))");
        if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
        await c.query('CREATE TABLE IF NOT EXISTS sheetcast_migrations (version INTEGER PRIMARY KEY)');
        const { rows } = await c.query<{ version: number | null }>('SELECT max(version) AS version FROM sheetcast_migrations');
        for (let v = rows[0]?.version ?? 0; v < MIGRATIONS.length; v++) {
          await c.query(MIGRATIONS[v]!);
          await c.query('INSERT INTO sheetcast_migrations (version) VALUES ($1)', [v + 1]);
        }
      });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  async #transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async #one<T>(sql: string, args: unknown[], map: (row: any) => T, client: pg.Pool | Client = this.#pool): Promise<T | null> {
    const { rows } = await client.query(sql, args);
    return rows[0] ? map(rows[0]) : null;
  }

  async createDoc(doc: NewDoc): Promise<DocRecord> {
    const { rows } = await this.#pool.query<DocRow>(
      `INSERT INTO docs (doc_id, share_id, owner_id, spreadsheet_id, title, ranges, access, allow, ingest_key_hash, epoch, seq, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 0, $10) RETURNING *`,
      [doc.docId, doc.shareId, doc.ownerId, doc.spreadsheetId, doc.title, JSON.stringify(doc.ranges), doc.access, JSON.stringify(doc.allow), doc.ingestKeyHash, Date.now()],
    );
    return toDoc(rows[0]!);
  }

  getDoc(docId: string): Promise<DocRecord | null> {
    return this.#one('SELECT * FROM docs WHERE doc_id = $1', [docId], toDoc);
  }

  getDocByShare(shareId: string): Promise<DocRecord | null> {
    return this.#one('SELECT * FROM docs WHERE share_id = $1', [shareId], toDoc);
  }

  findDoc(ownerId: string, spreadsheetId: string): Promise<DocRecord | null> {
    return this.#one('SELECT * FROM docs WHERE owner_id = $1 AND spreadsheet_id = $2 ORDER BY created_at LIMIT 1', [ownerId, spreadsheetId], toDoc);
  }

  async updateDoc(docId: string, change: DocChange): Promise<DocRecord | null> {
    return this.#transaction(async (c) => {
      const doc = await this.#one('SELECT * FROM docs WHERE doc_id = $1 FOR UPDATE', [docId], toDoc, c);
      if (!doc) return null;
      const sets: string[] = [];
      const args: unknown[] = [];
      const set = (column: string, value: unknown) => sets.push(`${column} = $${args.push(value)}`);
      if (change.title !== undefined) set('title', change.title);
      if (change.access !== undefined) set('access', change.access);
      if (change.allow !== undefined) set('allow', JSON.stringify(change.allow));
      if (change.ingestKeyHash !== undefined) set('ingest_key_hash', change.ingestKeyHash);
      if (change.ranges !== undefined) {
        set('ranges', JSON.stringify(change.ranges));
        set('epoch', doc.epoch + 1);
        await c.query('DELETE FROM deltas WHERE doc_id = $1', [docId]);
        await this.#moveCells(c, docId, rangeMoves(doc.ranges, change.ranges));
        await this.#deleteCellsOutside(c, docId, change.ranges);
      }
      if (sets.length === 0) return doc;
      return this.#one(`UPDATE docs SET ${sets.join(', ')} WHERE doc_id = $${args.push(docId)} RETURNING *`, args, toDoc, c);
    });
  }

  async #moveCells(c: Client, docId: string, moves: RangeMove[]): Promise<void> {
    const moving = [];
    for (const { from, to } of moves) {
      const { rows } = await c.query<{ row: number; col: number; value: string; at: number }>(
        'SELECT row, col, value, at FROM cells WHERE doc_id = $1 AND sheet = $2 AND row BETWEEN $3 AND $4 AND col BETWEEN $5 AND $6',
        [docId, from.sheet, from.rect.top, from.rect.bottom, from.rect.left, from.rect.right],
      );
      moving.push({ to, dr: to.rect.top - from.rect.top, dc: to.rect.left - from.rect.left, rows });
    }
    for (const { from } of moves) {
      await c.query('DELETE FROM cells WHERE doc_id = $1 AND sheet = $2 AND row BETWEEN $3 AND $4 AND col BETWEEN $5 AND $6', [
        docId, from.sheet, from.rect.top, from.rect.bottom, from.rect.left, from.rect.right,
      ]);
    }
    for (const { to, dr, dc, rows } of moving) {
      const cells = rows.map((r) => ({ sheet: to.sheet, row: r.row + dr, col: r.col + dc, value: r.value, at: r.at }));
      await upsertCells(c, docId, cells);
    }
  }

  // Nothing outside a published range is kept: shrinking the ranges deletes those cells.
  async #deleteCellsOutside(c: Client, docId: string, ranges: NonNullable<DocChange['ranges']>): Promise<void> {
    const args: unknown[] = [docId];
    const inside = ranges.map((r) => {
      const rect = parseA1(r.range)!;
      const [s, t, b, l, rt] = [r.sheet, rect.top, rect.bottom, rect.left, rect.right].map((v) => `$${args.push(v)}`);
      return `(sheet = ${s} AND row BETWEEN ${t} AND ${b} AND col BETWEEN ${l} AND ${rt})`;
    });
    const keep = inside.length > 0 ? `AND NOT (${inside.join(' OR ')})` : '';
    await c.query(`DELETE FROM cells WHERE doc_id = $1 ${keep}`, args);
  }

  async deleteDoc(docId: string): Promise<boolean> {
    return this.#transaction(async (c) => {
      for (const table of ['cells', 'deltas', 'batches']) await c.query(`DELETE FROM ${table} WHERE doc_id = $1`, [docId]);
      return ((await c.query('DELETE FROM docs WHERE doc_id = $1', [docId])).rowCount ?? 0) > 0;
    });
  }

  /**
   * Group commit: the batches that arrive while the previous group commits go in one
   * transaction, so one commit (and one fsync) answers them all; each caller gets its own answer.
   */
  applyBatch(docId: string, batch: Batch): Promise<BatchOutcome | null> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ docId, batch, resolve, reject });
      if (!this.#flushing) this.#flushing = this.#flush();
    });
  }

  async #flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queued.length > 0) {
      const group = this.#queued.splice(0);
      try {
        const outcomes = await this.#transaction(async (c) => {
          // Docs are locked in one order on every instance, so two groups never deadlock.
          const docIds = [...new Set(group.map((q) => q.docId))].sort();
          await c.query('SELECT 1 FROM docs WHERE doc_id = ANY($1) ORDER BY doc_id FOR UPDATE', [docIds]);
          const out: (BatchOutcome | null)[] = [];
          for (const q of group) out.push(await this.#applyOne(c, q.docId, q.batch));
          return out;
        });
        group.forEach((q, i) => q.resolve(outcomes[i]!));
      } catch {
        // One batch failed the group: apply each on its own, so only that one fails.
        for (const q of group) await this.#transaction((c) => this.#applyOne(c, q.docId, q.batch)).then(q.resolve, q.reject);
      }
    }
    this.#flushing = null;
  }

  async #applyOne(c: Client, docId: string, clipped: Batch): Promise<BatchOutcome | null> {
    const row = await this.#one('SELECT * FROM docs WHERE doc_id = $1 FOR UPDATE', [docId], (r: DocRow) => r, c);
    if (!row) return null;
    const batch = row.epoch === clipped.epoch ? clipped : reclip(clipped, JSON.parse(row.ranges));
    const prior = await this.#one('SELECT result FROM batches WHERE doc_id = $1 AND batch_id = $2', [docId, batch.batchId], (r) => r.result as string, c);
    if (prior) return { result: { ...JSON.parse(prior), duplicate: true }, delta: null };

    const stored = await storedCells(c, docId, batch.writes);
    const { keep, changed } = resolveWrites(batch.writes, batch.at, (w) => stored.get(cellId(w.sheet, w.row, w.col)));
    await upsertCells(c, docId, keep.map((w) => ({ ...w, at: batch.at })));

    let delta: Delta | null = null;
    const seq = changed.length > 0 ? row.seq + 1 : row.seq;
    if (changed.length > 0) {
      delta = { docId, epoch: row.epoch, seq, changes: describeChanges(batch.areas, changed) };
      await c.query('INSERT INTO deltas (doc_id, seq, changes) VALUES ($1, $2, $3)', [docId, seq, JSON.stringify(delta.changes)]);
      await c.query('DELETE FROM deltas WHERE doc_id = $1 AND seq <= $2', [docId, seq - this.#options.historyLimit]);
    }
    const n = row.batch_count + 1;
    await c.query('UPDATE docs SET seq = $1, batch_count = $2, last_edit_at = COALESCE($3, last_edit_at) WHERE doc_id = $4', [
      seq, n, changed.length > 0 ? Date.now() : null, docId,
    ]);
    const result = { seq, applied: changed.length, dropped: batch.incoming - changed.length };
    await c.query('INSERT INTO batches (doc_id, batch_id, n, result) VALUES ($1, $2, $3, $4)', [docId, batch.batchId, n, JSON.stringify(result)]);
    await c.query('DELETE FROM batches WHERE doc_id = $1 AND n <= $2', [docId, n - this.#options.batchIdLimit]);
    return { result: { ...result, duplicate: false }, delta };
  }


  async readSnapshot(docId: string): Promise<ShareSnapshot | null> {
    // One consistent read of the doc and its cells, even while another instance writes.
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const doc = await this.#one('SELECT * FROM docs WHERE doc_id = $1', [docId], toDoc, client);
      if (!doc) return null;
      const ranges = [];
      for (const r of doc.ranges) {
        const rect = parseA1(r.range)!;
        const values = Array.from({ length: rect.bottom - rect.top + 1 }, () => new Array<string>(rect.right - rect.left + 1).fill(''));
        const { rows } = await client.query<{ row: number; col: number; value: string }>(
          'SELECT row, col, value FROM cells WHERE doc_id = $1 AND sheet = $2 AND row BETWEEN $3 AND $4 AND col BETWEEN $5 AND $6',
          [docId, r.sheet, rect.top, rect.bottom, rect.left, rect.right],
        );
        for (const c of rows) values[c.row - rect.top]![c.col - rect.left] = c.value;
        ranges.push({ sheet: r.sheet, range: r.range, values });
      }
      return { epoch: doc.epoch, seq: doc.seq, title: doc.title, ranges };
    } finally {
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  }

  async readDeltas(docId: string, epoch: number, afterSeq: number): Promise<Delta[] | null> {
    const doc = await this.getDoc(docId);
    if (!doc || doc.epoch !== epoch || afterSeq > doc.seq) return null;
    const { rows } = await this.#pool.query<{ seq: number; changes: string }>(
      'SELECT seq, changes FROM deltas WHERE doc_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
      [docId, afterSeq, doc.seq],
    );
    if (rows.length !== doc.seq - afterSeq || (rows.length > 0 && rows[0]!.seq !== afterSeq + 1)) return null;
    return rows.map((r) => ({ docId, epoch, seq: r.seq, changes: JSON.parse(r.changes) }));
  }

  async saveGoogleGrant(grant: GoogleGrantRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO google_grants (owner_id, email, scopes, sealed_refresh_token, sealed_access_token, access_expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (owner_id) DO UPDATE SET email = excluded.email, scopes = excluded.scopes,
         sealed_refresh_token = excluded.sealed_refresh_token, sealed_access_token = excluded.sealed_access_token,
         access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
      [grant.ownerId, grant.email, JSON.stringify(grant.scopes), grant.sealedRefreshToken, grant.sealedAccessToken, grant.accessExpiresAt, grant.updatedAt],
    );
  }

  getGoogleGrant(ownerId: string): Promise<GoogleGrantRecord | null> {
    return this.#one('SELECT * FROM google_grants WHERE owner_id = $1', [ownerId], toGoogleGrant);
  }

  async deleteGoogleGrant(ownerId: string): Promise<void> {
    await this.#pool.query('DELETE FROM google_grants WHERE owner_id = $1', [ownerId]);
  }

  async saveDocSync(sync: DocSyncRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO doc_sync (doc_id, owner_id, status, last_sync_at, last_error, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (doc_id) DO UPDATE SET owner_id = excluded.owner_id, status = excluded.status,
         last_sync_at = excluded.last_sync_at, last_error = excluded.last_error, updated_at = excluded.updated_at`,
      [sync.docId, sync.ownerId, sync.status, sync.lastSyncAt, sync.lastError, sync.updatedAt],
    );
  }

  getDocSync(docId: string): Promise<DocSyncRecord | null> {
    return this.#one('SELECT * FROM doc_sync WHERE doc_id = $1', [docId], toDocSync);
  }

  async docSyncsOf(ownerId: string): Promise<DocSyncRecord[]> {
    return (await this.#pool.query('SELECT * FROM doc_sync WHERE owner_id = $1 ORDER BY doc_id', [ownerId])).rows.map(toDocSync);
  }

  async deleteDocSync(docId: string): Promise<void> {
    await this.#pool.query('DELETE FROM doc_sync WHERE doc_id = $1', [docId]);
  }

  async saveDriveChannel(channel: DriveChannelRecord): Promise<void> {
    await this.#pool.query(
      'INSERT INTO drive_channels (channel_id, doc_id, resource_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [channel.channelId, channel.docId, channel.resourceId, channel.tokenHash, channel.expiresAt, channel.createdAt],
    );
  }

  getDriveChannel(channelId: string): Promise<DriveChannelRecord | null> {
    return this.#one('SELECT * FROM drive_channels WHERE channel_id = $1', [channelId], toDriveChannel);
  }

  async driveChannelsOf(docId: string): Promise<DriveChannelRecord[]> {
    return (await this.#pool.query('SELECT * FROM drive_channels WHERE doc_id = $1 ORDER BY expires_at', [docId])).rows.map(toDriveChannel);
  }

  async driveChannelsExpiringBefore(time: number): Promise<DriveChannelRecord[]> {
    return (await this.#pool.query('SELECT * FROM drive_channels WHERE expires_at < $1 ORDER BY expires_at', [time])).rows.map(toDriveChannel);
  }

  async deleteDriveChannel(channelId: string): Promise<void> {
    await this.#pool.query('DELETE FROM drive_channels WHERE channel_id = $1', [channelId]);
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#pool.end();
  }
}

const cellId = (sheet: string, row: number, col: number) => `${row}:${col}:${sheet}`;

/** The stored value and read time of each cell a batch writes, in one query. */
async function storedCells(c: Client, docId: string, writes: Batch['writes']): Promise<Map<string, StoredCell>> {
  const found = new Map<string, StoredCell>();
  if (writes.length === 0) return found;
  const { rows } = await c.query<{ sheet: string; row: number; col: number; value: string; at: number }>(
    `SELECT sheet, row, col, value, at FROM cells
     WHERE doc_id = $1 AND (sheet, row, col) IN (SELECT * FROM unnest($2::text[], $3::int[], $4::int[]))`,
    [docId, writes.map((w) => w.sheet), writes.map((w) => w.row), writes.map((w) => w.col)],
  );
  for (const r of rows) found.set(cellId(r.sheet, r.row, r.col), { value: r.value, at: r.at });
  return found;
}

async function upsertCells(c: Client, docId: string, cells: { sheet: string; row: number; col: number; value: string; at: number }[]): Promise<void> {
  if (cells.length === 0) return;
  await c.query(
    `INSERT INTO cells (doc_id, sheet, row, col, value, at)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bigint[])
     ON CONFLICT (doc_id, sheet, row, col) DO UPDATE SET value = excluded.value, at = excluded.at`,
    [docId, cells.map((w) => w.sheet), cells.map((w) => w.row), cells.map((w) => w.col), cells.map((w) => w.value), cells.map((w) => w.at)],
  );
}
