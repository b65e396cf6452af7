// What `npm run backup` and `npm run restore` share: the relay's own configuration names the
// SQLite file, a copy is checked before it is trusted, and a refusal is one line and exit 1.
import { backup, DatabaseSync } from 'node:sqlite';
import { chmodSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../relay/config.ts';

export function refuse(message: string): never {
  process.stderr.write(`sheetcast: ${message}\n`);
  process.exit(1);
}

/** The one file argument of `npm run <command> -- <file>`. */
export function fileArgument(command: string): string {
  const [file, ...rest] = process.argv.slice(2);
  if (!file || rest.length > 0) refuse(`usage: npm run ${command} -- <file>`);
  return resolve(file);
}

/** The relay's SQLite file, as SHEETCAST_DATA (or its default) names it; refuses for a Postgres store. */
export function storePath(): string {
  try {
    const config = loadConfig();
    if (config.databaseUrl) refuse('DATABASE_URL is set: the store is Postgres; back it up with pg_dump (README, "Backups")');
    return resolve(config.dataPath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    refuse(error.problems.map(({ variable, problem }) => `bad configuration: ${variable}: ${problem}`).join('\n'));
  }
}

/**
 * Copies the SQLite file at `from` to `to` (replaced), readable by its owner only. The source is
 * opened read-only, so a relay may keep writing; one step copies every page inside one read
 * transaction, so the copy is the store at one moment.
 */
export async function copyStore(from: string, to: string): Promise<void> {
  const source = new DatabaseSync(from, { readOnly: true });
  try {
    rmSync(to, { force: true });
    await backup(source, to, { rate: 2 ** 31 - 1 });
  } finally {
    source.close();
  }
  chmodSync(to, 0o600);
}

/** How many docs the store at `path` holds, once SQLite finds it whole; refuses otherwise. */
export function checkStore(path: string): number {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const { integrity_check: integrity } = db.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
    if (integrity !== 'ok') refuse(`${path} is damaged: ${integrity}`);
    return Number((db.prepare('SELECT count(*) AS docs FROM docs').get() as { docs: number }).docs);
  } catch (error) {
    return refuse(`${path} is not a Sheetcast store: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
}
