// `npm run restore -- <file>`: puts a backup back as the relay's SQLite store, with the relay stopped.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { checkStore, copyStore, fileArgument, refuse, storePath } from './lib/store-file.ts';

const file = fileArgument('restore');
const store = storePath();
const docs = checkStore(file);

if (existsSync(store)) {
  const current = new DatabaseSync(store);
  try {
    // A running relay holds its file open with a shared lock, so an exclusive one is refused at once.
    current.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT');
  } catch {
    current.close();
    refuse(`${store} is open in a running relay: stop it first`);
  }
  current.close();
  // Kept, not deleted: a restore of the wrong file can itself be undone.
  renameSync(store, `${store}.replaced`);
}

const restoring = `${store}.restoring`;
await copyStore(file, restoring);
const db = new DatabaseSync(restoring);
// Viewers may have seen edits made after the backup; a new epoch makes each of them take a
// snapshot instead of resuming on seqs that now mean other edits.
db.exec('BEGIN; UPDATE docs SET epoch = epoch + 1; DELETE FROM deltas; COMMIT');
db.close();
for (const leftover of ['-wal', '-shm']) rmSync(`${store}${leftover}`, { force: true });
renameSync(restoring, store);
process.stdout.write(`sheetcast: restored ${store} from ${file} (${docs} docs); stored deltas dropped, every doc in a new epoch\n`);
