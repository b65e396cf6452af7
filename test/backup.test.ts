// `npm run backup` and `npm run restore` against a real relay's SQLite store: a copy taken while
// edits keep arriving, put back with the relay stopped, and viewers who saw later edits told so.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/relay-process.ts';
import { cell, connectViewer, postEdits, publishDoc, snapshotOf, startRelay, type Relay } from './helpers/index.ts';

const started: Relay[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((relay) => relay.stop()));
});

async function relay(): Promise<Relay> {
  const r = await startRelay();
  started.push(r);
  return r;
}

/** `npm run <command> -- <file>` with the relay's store; its exit code and output. */
async function npmRun(command: 'backup' | 'restore', file: string, env: Record<string, string>) {
  const run = promisify(execFile)('npm', ['run', '--silent', command, '--', file], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

const storeOf = (r: Relay) => ({ SHEETCAST_DATA: join(r.dataDir, 'sheetcast.db') });

describe('npm run backup', () => {
  it('copies the store at one moment while the relay serves and edits keep arriving', async () => {
    const r = await relay();
    const doc = await publishDoc(r);
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) expect((await postEdits(r, doc, [cell('A1', String(n)), cell('B2', String(n))])).status).toBe(200);
    })();
    const file = join(r.dataDir, 'copy.db');
    const backup = await npmRun('backup', file, storeOf(r));
    writing = false;
    await writer;
    expect(backup).toMatchObject({ code: 0, output: expect.stringContaining('(1 docs)') });

    const copy = new DatabaseSync(file, { readOnly: true });
    const { seq } = copy.prepare('SELECT seq FROM docs').get() as { seq: number };
    const last = copy.prepare('SELECT max(seq) AS seq FROM deltas').get() as { seq: number };
    const values = copy.prepare('SELECT DISTINCT value FROM cells').all() as { value: string }[];
    copy.close();
    // The doc, its history and its cells from one moment: both cells of the last edit, nothing after it.
    expect(seq).toBeGreaterThan(0);
    expect(last.seq).toBe(seq);
    expect(values).toEqual([{ value: String(seq - 1) }]);
  });

  it('refuses a Postgres store, pointing at pg_dump', async () => {
    const result = await npmRun('backup', '/tmp/never.db', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(result).toMatchObject({ code: 1, output: expect.stringContaining('pg_dump') });
  });
});

describe('npm run restore', () => {
  it('puts the backup back, and a viewer who saw later edits gets a snapshot of the restored cells in a new epoch', async () => {
    const r = await relay();
    const doc = await publishDoc(r);
    await postEdits(r, doc, [cell('A1', 'kept')]);
    const backedUp = await snapshotOf(r, doc.shareId);
    const file = join(r.dataDir, 'backup.db');
    expect((await npmRun('backup', file, storeOf(r))).code).toBe(0);
    await postEdits(r, doc, [cell('A1', 'lost')]);
    await postEdits(r, doc, [cell('B1', 'lost too')]);
    const seen = await snapshotOf(r, doc.shareId);
    expect(seen.seq).toBe(backedUp.seq + 2);

    expect(await r.stop()).toBe(0);
    expect(await npmRun('restore', file, storeOf(r))).toMatchObject({ code: 0, output: expect.stringContaining('(1 docs)') });
    await r.restart();

    for (const resume of [{ epoch: seen.epoch, seq: seen.seq }, { epoch: backedUp.epoch, seq: backedUp.seq }]) {
      const viewer = await connectViewer(r, doc.shareId, resume);
      const first = await viewer.next();
      viewer.close();
      expect(first).toEqual({ type: 'snapshot', ...backedUp, epoch: backedUp.epoch + 1 });
    }

    // The add-on carries on: its next edit reaches viewers in the new epoch.
    const viewer = await connectViewer(r, doc.shareId);
    await viewer.next('snapshot');
    expect((await postEdits(r, doc, [cell('C1', 'after')])).status).toBe(200);
    expect(await viewer.next('delta')).toMatchObject({ seq: backedUp.seq + 1 });
    viewer.close();
  });

  it('refuses while the relay has the store open, and leaves it as it was', async () => {
    const r = await relay();
    const doc = await publishDoc(r);
    await postEdits(r, doc, [cell('A1', 'live')]);
    const file = join(r.dataDir, 'backup.db');
    expect((await npmRun('backup', file, storeOf(r))).code).toBe(0);
    await postEdits(r, doc, [cell('A1', 'newer')]);

    const result = await npmRun('restore', file, storeOf(r));
    expect(result).toMatchObject({ code: 1, output: expect.stringContaining('open in a running relay') });
    expect((await snapshotOf(r, doc.shareId)).ranges[0]!.values[0]![0]).toBe('newer');
  });

  it('refuses a file that is not a Sheetcast store', async () => {
    const r = await relay();
    const file = join(r.dataDir, 'notes.txt');
    writeFileSync(file, 'not a database');
    expect(await npmRun('restore', file, storeOf(r))).toMatchObject({ code: 1, output: expect.stringContaining('is not a Sheetcast store') });
  });
});
