// Both SQL stores, for the contract suites: a fresh SQLite file, or a schema of its own in the
// machine's real Postgres (dropped by `dropTestSchemas`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, openSqlite, type Stores } from '../../relay/store/open.ts';
import type { StoreLimits } from '../../relay/store/store.ts';
import { TEST_DATABASE_URL } from './services.ts';

const schemas: string[] = [];

export const storeKinds: [string, (limits: StoreLimits) => Promise<Stores>][] = [
  ['sqlite', async (limits) => openSqlite(join(mkdtempSync(join(tmpdir(), 'sheetcast-store-')), 'db'), limits)],
  [
    'postgres',
    (limits) => {
      const schema = `sheetcast_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return openPostgres(TEST_DATABASE_URL, { ...limits, schema });
    },
  ],
];

export async function dropTestSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
