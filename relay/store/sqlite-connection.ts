// One SQLite file through node:sqlite, WAL with synchronous=FULL so an acknowledged edit survives
// a crash of the process or of the machine; shared by the doc store and the Google records.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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
  // The sheet's look: each published range's format (JSON), and formats in the delta history.
  `ALTER TABLE docs ADD COLUMN view TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE deltas ADD COLUMN formats TEXT;
   CREATE TABLE formats (
     doc_id TEXT NOT NULL, sheet TEXT NOT NULL, range TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL,
     PRIMARY KEY (doc_id, range, sheet)
   ) WITHOUT ROWID;`,
  // The UTF-8 bytes of each doc's values, kept with its cells so a write past the limit is refused in its transaction.
  `ALTER TABLE docs ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE docs SET bytes = (SELECT coalesce(sum(length(CAST(value AS BLOB))), 0) FROM cells WHERE cells.doc_id = docs.doc_id);`,
  // With several relays, one renews each Drive channel: a claim with an expiry on its row.
  `ALTER TABLE drive_channels ADD COLUMN renewing_by TEXT;
   ALTER TABLE drive_channels ADD COLUMN renewing_until INTEGER;`,
  // Webhooks: each endpoint with its delivery cursor and lease (the queue is the delta history).
  webhooksTable('INTEGER'),
];

// The store awaits between a transaction's statements, so others wait at a gate meanwhile: none
// runs inside, or sees half of, someone else's transaction on this one connection.
export class SqliteConnection {
  readonly db: DatabaseSync;
  #held: Promise<void> | null = null;

  constructor(path: string) {
    if (path !== ':memory:') {
      // Docs, ingest-key hashes and Google tokens: the owner's alone (SQLite gives -wal and -shm the file's mode).
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        this.db.exec(`${MIGRATIONS[v]!}; PRAGMA user_version = ${v + 1}; COMMIT`);
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    }
  }

  /** Runs `work` (statements that need no transaction) once the connection is free. */
  async run<T>(work: () => T): Promise<T> {
    while (this.#held) await this.#held;
    return work();
  }

  /** Runs `work` with the connection to itself until it settles. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#held) await this.#held;
    let release!: () => void;
    this.#held = new Promise((resolve) => (release = resolve));
    try {
      return await work();
    } finally {
      this.#held = null;
      release();
    }
  }

  /** Runs `work` in one transaction, rolled back whole when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.run(() => {
      if (!this.db.isOpen) return;
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      this.db.close();
    });
  }
}
