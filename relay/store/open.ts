// Opening a database: the doc store (the ordering core over the backend), the Google records and
// the webhook records, all on the one connection.
import type { GoogleRecords } from './google-records.ts';
import { OrderedStore } from './ordered-store.ts';
import { PostgresBackend } from './postgres.ts';
import { openPool } from './postgres-connection.ts';
import { PostgresGoogleRecords } from './postgres-google.ts';
import { SqliteBackend } from './sqlite.ts';
import { SqliteGoogleRecords } from './sqlite-google.ts';
import { postgresExecutor, sqliteExecutor, SqlWebhookRecords } from './sql-webhook-records.ts';
import type { Store, StoreLimits } from './store.ts';
import type { WebhookRecords } from './webhook-records.ts';

export interface Stores {
  /** Closing it closes the connection the Google records share. */
  store: Store;
  googleRecords: GoogleRecords;
  webhookRecords: WebhookRecords;
}

/** The embedded store: one SQLite file (`:memory:` for none). */
export function openSqlite(path: string, limits: StoreLimits): Stores {
  const backend = new SqliteBackend(path);
  return {
    store: new OrderedStore(backend, limits),
    googleRecords: new SqliteGoogleRecords(backend.connection),
    webhookRecords: new SqlWebhookRecords(sqliteExecutor(backend.connection)),
  };
}

/** Connects and migrates; `schema`, when given, is one of its own (created if missing). */
export async function openPostgres(connectionString: string, limits: StoreLimits & { schema?: string }): Promise<Stores> {
  const pool = await openPool(connectionString, limits.schema);
  return {
    store: new OrderedStore(new PostgresBackend(pool), limits),
    googleRecords: new PostgresGoogleRecords(pool),
    webhookRecords: new SqlWebhookRecords(postgresExecutor(pool)),
  };
}
