// The Postgres connection pool, shared by the doc store and the Google records, and its schema.
import pg from 'pg';
import { webhooksTable } from './sql-webhook-records.ts';

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
  `ALTER TABLE docs ADD COLUMN view TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE deltas ADD COLUMN formats TEXT;
   CREATE TABLE formats (
     doc_id TEXT NOT NULL, sheet TEXT NOT NULL, range TEXT NOT NULL, body TEXT NOT NULL, at BIGINT NOT NULL,
     PRIMARY KEY (doc_id, range, sheet)
   );`,
  `ALTER TABLE docs ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
   UPDATE docs SET bytes = (SELECT coalesce(sum(octet_length(value)), 0) FROM cells WHERE cells.doc_id = docs.doc_id);`,
  // With several relays, one renews each Drive channel: a claim with an expiry on its row.
  `ALTER TABLE drive_channels ADD COLUMN renewing_by TEXT;
   ALTER TABLE drive_channels ADD COLUMN renewing_until BIGINT;`,
  // Webhooks: each endpoint with its delivery cursor and lease (the queue is the delta history).
  webhooksTable('BIGINT'),
];

// BIGINT columns hold ms since the epoch and seqs: far below 2^53, so plain numbers are exact.
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'),
};

export type Client = pg.PoolClient;

/** Runs `work` on one client in one transaction, rolled back whole when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  begin: string | ((client: Client) => string),
  work: (client: Client, began: pg.QueryResult[]) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    // `begin` may hold more statements (the simple protocol, no parameters): their results are `began`.
    const opened = (await client.query(typeof begin === 'string' ? begin : begin(client))) as pg.QueryResult | pg.QueryResult[];
    const result = await work(client, Array.isArray(opened) ? opened : [opened]);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Connects, and brings the schema up to date (one instance at a time). */
export async function openPool(connectionString: string, schema?: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString, types, max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  pool.on('error', () => {}); // an idle client's lost connection: the pool replaces it
  try {
    await inTransaction(pool, 'BEGIN', async (c) => {
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
  return pool;
}
