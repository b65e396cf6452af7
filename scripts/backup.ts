// `npm run backup -- <file>`: a consistent copy of the relay's SQLite store, taken while it serves.
import { renameSync } from 'node:fs';
import { checkStore, copyStore, fileArgument, storePath } from './lib/store-file.ts';

const file = fileArgument('backup');
const store = storePath();
// Written beside the target and renamed when whole, so `file` is never half a backup.
const partial = `${file}.partial`;
await copyStore(store, partial);
const docs = checkStore(partial);
renameSync(partial, file);
process.stdout.write(`sheetcast: backed up ${store} to ${file} (${docs} docs)\n`);
