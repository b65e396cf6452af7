// The webhook records on either backend: one set of SQL (`?` placeholders, numbered for Postgres)
// over a two-method executor, so the two stores cannot drift apart.
import type { StatementSync } from 'node:sqlite';
import type pg from 'pg';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { DeliveryState, WebhookRecord, WebhookRecords } from './webhook-records.ts';

type Row = Record<string, any>;
type Value = string | number | null;

/** Runs one statement: its rows, or how many rows it changed. */
export interface SqlExecutor {
  all(sql: string, args: Value[]): Promise<Row[]>;
  /**
   * `bookkeeping`: a lease or a cursor, whose loss in a crash only means an event delivered again
   * (at least once). Such a write need not wait for the disk as an acknowledged edit must.
   */
  run(sql: string, args: Value[], bookkeeping?: boolean): Promise<number>;
}

/** The migration's table, the same on both backends but for the 64-bit integer type's name. */
export const webhooksTable = (bigint: string) => `CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     doc_id TEXT NOT NULL,
     url TEXT NOT NULL,
     sealed_secret TEXT NOT NULL,
     created_at ${bigint} NOT NULL,
     state TEXT NOT NULL,
     epoch ${bigint} NOT NULL,
     seq ${bigint} NOT NULL,
     attempts INTEGER NOT NULL,
     next_attempt_at ${bigint} NOT NULL,
     last_error TEXT,
     failing_since ${bigint},
     disabled_at ${bigint},
     lease_owner TEXT,
     lease_until ${bigint} NOT NULL DEFAULT 0
   );
   CREATE INDEX webhooks_by_doc ON webhooks (doc_id, created_at);
   CREATE INDEX webhooks_due ON webhooks (state, next_attempt_at)`;

const DELIVERY = ['state', 'epoch', 'seq', 'attempts', 'next_attempt_at', 'last_error', 'failing_since', 'disabled_at'];
const COLUMNS = ['id', 'doc_id', 'url', 'sealed_secret', 'created_at', ...DELIVERY];

const SQL = {
  create: `INSERT INTO webhooks (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  get: 'SELECT * FROM webhooks WHERE id = ?',
  of: 'SELECT * FROM webhooks WHERE doc_id = ? ORDER BY created_at, id',
  count: 'SELECT count(*) AS n FROM webhooks WHERE doc_id = ?',
  delete: 'DELETE FROM webhooks WHERE doc_id = ? AND id = ?',
  // An unpublished doc's webhooks go with it, and so do any a lost bus message left behind.
  deleteOf: 'DELETE FROM webhooks WHERE doc_id = ? OR doc_id NOT IN (SELECT doc_id FROM docs)',
  due: `SELECT w.id FROM webhooks w JOIN docs d ON d.doc_id = w.doc_id
        WHERE w.state = 'active' AND w.next_attempt_at <= ? AND w.lease_until < ? AND (d.epoch <> w.epoch OR d.seq <> w.seq)
        ORDER BY w.next_attempt_at LIMIT ?`,
  acquire: `UPDATE webhooks SET lease_owner = ?, lease_until = ?
            WHERE id = ? AND state = 'active' AND (lease_until < ? OR lease_owner = ?)`,
  release: 'UPDATE webhooks SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?',
  save: `UPDATE webhooks SET ${DELIVERY.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND lease_owner = ?`,
};

const optional = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toWebhook(row: Row): WebhookRecord {
  return {
    id: row.id,
    docId: row.doc_id,
    url: row.url,
    sealedSecret: row.sealed_secret,
    createdAt: Number(row.created_at),
    state: row.state,
    epoch: Number(row.epoch),
    seq: Number(row.seq),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error ?? null,
    failingSince: optional(row.failing_since),
    disabledAt: optional(row.disabled_at),
  };
}

const deliveryValues = (s: DeliveryState): Value[] => [s.state, s.epoch, s.seq, s.attempts, s.nextAttemptAt, s.lastError, s.failingSince, s.disabledAt];

export class SqlWebhookRecords implements WebhookRecords {
  readonly #sql: SqlExecutor;

  constructor(executor: SqlExecutor) {
    this.#sql = executor;
  }

  async createWebhook(w: WebhookRecord): Promise<void> {
    await this.#sql.run(SQL.create, [w.id, w.docId, w.url, w.sealedSecret, w.createdAt, ...deliveryValues(w)]);
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const [row] = await this.#sql.all(SQL.get, [id]);
    return row ? toWebhook(row) : null;
  }

  async webhooksOf(docId: string): Promise<WebhookRecord[]> {
    return (await this.#sql.all(SQL.of, [docId])).map(toWebhook);
  }

  async countWebhooks(docId: string): Promise<number> {
    return Number((await this.#sql.all(SQL.count, [docId]))[0]!.n);
  }

  async deleteWebhook(docId: string, id: string): Promise<boolean> {
    return (await this.#sql.run(SQL.delete, [docId, id])) > 0;
  }

  async deleteWebhooksOf(docId: string): Promise<void> {
    await this.#sql.run(SQL.deleteOf, [docId]);
  }

  async dueWebhooks(now: number, limit: number): Promise<string[]> {
    return (await this.#sql.all(SQL.due, [now, now, limit])).map((row) => row.id as string);
  }

  async acquireLease(id: string, owner: string, now: number, until: number): Promise<boolean> {
    return (await this.#sql.run(SQL.acquire, [owner, until, id, now, owner], true)) === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.#sql.run(SQL.release, [id, owner], true);
  }

  async saveDelivery(id: string, owner: string, state: DeliveryState): Promise<boolean> {
    return (await this.#sql.run(SQL.save, [...deliveryValues(state), id, owner], true)) === 1;
  }
}

/** The embedded store's connection (behind its gate), with each statement prepared once. */
export function sqliteExecutor(connection: SqliteConnection): SqlExecutor {
  const prepared = new Map<string, StatementSync>();
  const statement = (sql: string) => prepared.get(sql) ?? prepared.set(sql, connection.db.prepare(sql)).get(sql)!;
  return {
    all: (sql, args) => connection.run(() => statement(sql).all(...args) as Row[]),
    run: (sql, args, bookkeeping = false) =>
      connection.run(() => {
        if (!bookkeeping) return Number(statement(sql).run(...args).changes);
        // WAL with synchronous=NORMAL commits without an fsync, which would stop the event loop
        // (node:sqlite is synchronous); the next durable commit takes this one to disk with it.
        connection.db.exec('PRAGMA synchronous = NORMAL');
        try {
          return Number(statement(sql).run(...args).changes);
        } finally {
          connection.db.exec('PRAGMA synchronous = FULL');
        }
      }),
  };
}

/** Postgres's pool, with `?` numbered `$1, $2, …`; its commits wait on the server, not on this event loop. */
export function postgresExecutor(pool: pg.Pool): SqlExecutor {
  const numbered = new Map<string, string>();
  const number = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const text = (sql: string) => numbered.get(sql) ?? numbered.set(sql, number(sql)).get(sql)!;
  return {
    all: async (sql, args) => (await pool.query(text(sql), args)).rows,
    run: async (sql, args) => (await pool.query(text(sql), args)).rowCount ?? 0,
  };
}
