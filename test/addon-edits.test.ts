// Every edit reaches the viewers: the built add-on's triggers in the Apps Script harness,
// posting to the real relay, watched by a real WebSocket viewer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditsRequest } from '../protocol/wire.ts';
import { connectViewer, eventually, snapshotOf, type Viewer } from './helpers/index.ts';
import type { AppsScriptHarness, Execution } from './apps-script/harness.ts';
import { newExecution, serviceCalls } from './apps-script/execution.ts';
import { EDITOR, ok, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';
import { viewerCells } from './apps-script/viewer-cells.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

/** A spreadsheet publishing Sheet1!A1:C3, with a viewer that has its first snapshot. */
async function published(ranges = [{ sheet: 'Sheet1', range: 'A1:C3' }]): Promise<{ sheet: AppsScriptHarness; viewer: Viewer; shareId: string }> {
  const sheet = world.spreadsheet();
  const state = sheet.run(PUBLISHER, 'publish', { title: 'Scores', ranges, access: 'link', allow: [] });
  const viewer = await connectViewer(world.relay, state.shareId!);
  await viewer.next('snapshot');
  return { sheet, viewer, shareId: state.shareId! };
}

function postedEdits(executions: Execution[]): EditsRequest[] {
  return executions.flatMap((e) => e.fetches).filter((f) => f.method === 'POST' && f.url.endsWith('/edits')).map((f) => JSON.parse(f.payload!) as EditsRequest);
}

async function sees(viewer: Viewer, expected: Record<string, string>): Promise<void> {
  await eventually(() => {
    const cells = viewerCells(viewer.frames);
    for (const [key, value] of Object.entries(expected)) expect(cells.get(key), key).toBe(value);
  });
}

describe('edits', () => {
  it("fires the publisher's edit trigger for another user's edit of B2, and the viewer sees B2 change", async () => {
    const { sheet, viewer } = await published();
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'Blues'));
    // Google fires the change trigger for every edit too (changeType EDIT).
    expect(runs.map((r) => r.handler)).toEqual(['onSheetEdit', 'onSheetChange']);
    expect(runs[0]!.effectiveUser).toBe(PUBLISHER);
    await sees(viewer, { 'Sheet1!B2': 'Blues' });
    viewer.close();
  });

  it('sends one POST per edit with a fresh batchId and the read time', async () => {
    const { sheet, viewer } = await published();
    const before = Date.now();
    const first = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'x'));
    const second = ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'y'));
    for (const run of [first[0]!, second[0]!]) expect(run.fetches).toHaveLength(1);
    const [a, b] = postedEdits([...first, ...second]);
    expect(a!.batchId).not.toBe(b!.batchId);
    expect(a!.at).toBeGreaterThanOrEqual(before);
    expect(b!.at).toBeGreaterThanOrEqual(a!.at);
    expect(a!.edits).toEqual([{ sheet: 'Sheet1', range: 'A1', values: [['x']] }]);
    viewer.close();
  });

  it('sends display values, as the sheet shows them', async () => {
    const { sheet, viewer } = await published();
    sheet.spreadsheet.sheet('Sheet1').getRange('C1').setNumberFormat('0.00');
    ok(sheet.edit(EDITOR, 'Sheet1', 'C1', '2'));
    ok(sheet.edit(EDITOR, 'Sheet1', 'C2', '3.50'));
    ok(sheet.edit(EDITOR, 'Sheet1', 'C3', 'true'));
    await sees(viewer, { 'Sheet1!C1': '2.00', 'Sheet1!C2': '3.5', 'Sheet1!C3': 'TRUE' });
    viewer.close();
  });

  it('sends only the cells inside the range when a 3×3 paste crosses its edge', async () => {
    const { sheet, viewer } = await published();
    const runs = ok(
      sheet.edit(EDITOR, 'Sheet1', 'B2:D4', [
        ['p1', 'p2', 'p3'],
        ['p4', 'p5', 'p6'],
        ['p7', 'p8', 'p9'],
      ]),
    );
    const [posted] = postedEdits(runs);
    expect(posted!.edits).toEqual([{ sheet: 'Sheet1', range: 'B2:C3', values: [['p1', 'p2'], ['p4', 'p5']] }]);
    await sees(viewer, { 'Sheet1!B2': 'p1', 'Sheet1!C2': 'p2', 'Sheet1!B3': 'p4', 'Sheet1!C3': 'p5' });
    const everything = JSON.stringify(viewer.frames);
    for (const outside of ['p3', 'p6', 'p7', 'p8', 'p9']) expect(everything).not.toContain(outside);
    viewer.close();
  });

  it('sends a paste too large for one request as several batches, all of it arriving', async () => {
    const { sheet, viewer } = await published([{ sheet: 'Sheet1', range: 'A1:Z100' }]);
    const big = Array.from({ length: 100 }, (_, r) => Array.from({ length: 26 }, (_, c) => `${r}:${c}:`.padEnd(500, 'x')));
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'A1:Z100', big));
    const posts = runs[0]!.fetches;
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(post.status).toBe(200);
      expect(Buffer.byteLength(post.payload!)).toBeLessThanOrEqual(1024 * 1024);
    }
    await sees(viewer, { 'Sheet1!A1': big[0]![0]!, 'Sheet1!Z100': big[99]![25]! });
    viewer.close();
  });

  it('sends no request at all for an edit outside every published range', async () => {
    const { sheet, viewer } = await published();
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'E5', 'secret'));
    expect(runs.flatMap((r) => r.fetches)).toEqual([]);
    const other = sheet.spreadsheet.insertSheet('Private');
    expect(other.getName()).toBe('Private');
    expect(ok(sheet.edit(EDITOR, 'Private', 'A1', 'salary'))[0]!.fetches).toEqual([]);
    viewer.close();
  });

  it('repairs a dropped edit event with the next edit', async () => {
    const { sheet, viewer } = await published();
    // Apps Script keeps at most 2 pending onEdit events: this one never fires.
    sheet.edit(EDITOR, 'Sheet1', 'A3', 'dropped', { dropEvent: true });
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'C1', 'next'));
    expect(runs[0]!.fetches).toHaveLength(1);
    await sees(viewer, { 'Sheet1!A3': 'dropped', 'Sheet1!C1': 'next' });
    viewer.close();
  });

  it('repairs a dropped edit in a doc larger than the per-run budget within a few edits', async () => {
    // 5,200 published cells, compared 2,000 at a time (REPAIR_CELLS_PER_RUN).
    const { sheet, viewer } = await published([{ sheet: 'Sheet1', range: 'A1:Z200' }]);
    sheet.edit(EDITOR, 'Sheet1', 'Z200', 'far away', { dropEvent: true });
    for (let i = 1; i <= 3; i++) ok(sheet.edit(EDITOR, 'Sheet1', 'A1', `edit ${i}`));
    await sees(viewer, { 'Sheet1!Z200': 'far away', 'Sheet1!A1': 'edit 3' });
    viewer.close();
  });

  it('leaves the work to the next run when another execution holds the document lock, waiting only a few seconds', async () => {
    const { sheet, viewer } = await published();
    sheet.locks.document.hold(newExecution('other', PUBLISHER, 'FULL'), 60_000);
    const [busy] = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'while busy'));
    expect(busy!.fetches).toEqual([]);
    // Waiting counts against the publisher's 90 minutes a day of trigger time.
    expect(busy!.waitedMs).toBeGreaterThan(0);
    expect(busy!.waitedMs).toBeLessThanOrEqual(5_000);
    sheet.locks.document.holder = null;
    ok(sheet.edit(EDITOR, 'Sheet1', 'B1', 'after'));
    await sees(viewer, { 'Sheet1!A1': 'while busy', 'Sheet1!B1': 'after' });
    expect(sheet.locks.document.holder).toBeNull();
    viewer.close();
  });
});

describe('one execution per edit', () => {
  it("ends the change trigger's execution that Google fires for every edit before any service call, lock or fetch", async () => {
    const { sheet, viewer } = await published();
    const [edit, change] = ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'x'));
    expect(edit!.fetches).toHaveLength(1);
    expect(change!.handler).toBe('onSheetChange');
    expect(change!.calls).toEqual({});
    expect(change!.fetches).toEqual([]);
    // Even while another run holds the lock, it does not wait for it.
    sheet.locks.document.hold(newExecution('other', PUBLISHER, 'FULL'), 60_000);
    const [, waiting] = ok(sheet.edit(EDITOR, 'Sheet1', 'B3', 'y'));
    expect(waiting!.waitedMs).toBe(0);
    viewer.close();
  });
});

describe('the cost of a single-cell edit (SPEC.md, Targets)', () => {
  it('is one execution that does work, one fetch and at most 12 service calls', async () => {
    const { sheet, viewer } = await published([{ sheet: 'Sheet1', range: 'A1:J100' }]);
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'first'));
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'C7', 'second'));
    const working = runs.filter((r) => serviceCalls(r) > 0);
    expect(working.map((r) => r.handler)).toEqual(['onSheetEdit']);
    expect(working[0]!.fetches).toHaveLength(1);
    expect(serviceCalls(working[0]!), JSON.stringify(working[0]!.calls)).toBeLessThanOrEqual(12);
    expect(postedEdits(runs)[0]!.edits).toEqual([{ sheet: 'Sheet1', range: 'C7', values: [['second']] }]);
    viewer.close();
  });
});

describe('a scoreboard whose rank column recalculates on every edit', () => {
  it('saves its state after each edit, whatever the number of ranks that moved, and then sends only what changed', async () => {
    const rows = 600;
    const sheet = world.spreadsheet();
    sheet.writeSilently('Sheet1', `A1:A${rows}`, Array.from({ length: rows }, (_, i) => [i + 1]));
    // Column B as =RANK(A1, A$1:A$600) computes it: each edit of a score moves hundreds of ranks.
    sheet.formula('Sheet1', `B1:B${rows}`, (ss) => {
      const scores = ss.sheet('Sheet1').getRange(`A1:A${rows}`).getValues().map((row) => Number(row[0]));
      return scores.map((score) => [1 + scores.filter((other) => other > score).length]);
    });
    const { shareId } = sheet.run(PUBLISHER, 'publish', { title: 'League', ranges: [{ sheet: 'Sheet1', range: `A1:C${rows}` }], access: 'link', allow: [] });
    for (const score of ['1000', '0', '2000']) {
      const [run] = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', score));
      expect(run!.fetches.map((f) => f.status)).toEqual([200]);
    }
    // A note beside the board: only that cell goes out, so every rank sent before was recorded as sent.
    const [note] = ok(sheet.edit(EDITOR, 'Sheet1', 'C5', 'note'));
    expect(postedEdits([note!])[0]!.edits).toEqual([{ sheet: 'Sheet1', range: 'C5', values: [['note']] }]);
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.lastError).toBeNull();
    expect(state.sentToday).toBe(5);
    await eventually(async () => expect((await snapshotOf(world.relay, shareId!)).ranges[0]!.values[0]).toEqual(['2000', '1', '']));
  });
});

describe('structure changes', () => {
  it('sends a snapshot after a row insert, with the range moved down with its data', async () => {
    const { sheet, viewer, shareId } = await published([{ sheet: 'Sheet1', range: 'A2:B3' }]);
    ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'kept'));
    const runs = ok(sheet.change(EDITOR, 'INSERT_ROW', (ss) => ss.sheet('Sheet1').insertRowsBefore(1, 2)));
    expect(runs.map((r) => r.fetches.map((f) => f.method))).toEqual([['PATCH', 'PUT']]);
    // The relay starts a new epoch for the moved ranges, then the snapshot fills them.
    await eventually(() => expect((viewer.frames.filter((f) => f.type === 'snapshot').at(-1) as { ranges: { range: string }[] }).ranges[0]!.range).toBe('A4:B5'));
    await sees(viewer, { 'Sheet1!A4': 'kept' });
    expect(sheet.run(PUBLISHER, 'getState').ranges).toEqual([{ sheet: 'Sheet1', range: 'A4:B5' }]);
    // Edits after the move land in the moved range.
    ok(sheet.edit(EDITOR, 'Sheet1', 'B5', 'moved'));
    await eventually(async () => expect((await snapshotOf(world.relay, shareId)).ranges[0]!.values[1]![1]).toBe('moved'));
    viewer.close();
  });

  it('sends a snapshot after a row insert inside the range, which grows with it', async () => {
    const { sheet, viewer } = await published([{ sheet: 'Sheet1', range: 'A1:A3' }]);
    ok(sheet.change(EDITOR, 'INSERT_ROW', (ss) => ss.sheet('Sheet1').insertRowsAfter(1, 1)));
    expect(sheet.run(PUBLISHER, 'getState').ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:A4' }]);
    await eventually(() => expect((viewer.frames.filter((f) => f.type === 'snapshot').at(-1) as { ranges: { range: string }[] }).ranges[0]!.range).toBe('A1:A4'));
    viewer.close();
  });

  it('follows a renamed sheet', async () => {
    const { sheet, viewer } = await published();
    ok(sheet.change(EDITOR, 'OTHER', (ss) => ss.sheet('Sheet1').setName('Scores')));
    expect(sheet.run(PUBLISHER, 'getState').ranges).toEqual([{ sheet: 'Scores', range: 'A1:C3' }]);
    ok(sheet.edit(EDITOR, 'Scores', 'A1', 'renamed'));
    await sees(viewer, { 'Scores!A1': 'renamed' });
    viewer.close();
  });

  it('sends nothing for a change that changes no published value', async () => {
    const { sheet, viewer } = await published();
    expect(ok(sheet.change(EDITOR, 'FORMAT', () => undefined))[0]!.fetches).toEqual([]);
    expect(ok(sheet.change(EDITOR, 'OTHER', () => undefined))[0]!.fetches).toEqual([]);
    expect(ok(sheet.change(EDITOR, 'EDIT', () => undefined))[0]!.fetches).toEqual([]);
    viewer.close();
  });

  it('sends the new display values after a number format change, which fires no edit', async () => {
    const { sheet, viewer } = await published();
    ok(sheet.edit(EDITOR, 'Sheet1', 'C1', '2'));
    const runs = ok(sheet.change(EDITOR, 'FORMAT', (ss) => ss.sheet('Sheet1').getRange('C1').setNumberFormat('0.00')));
    expect(runs[0]!.fetches.map((f) => f.method)).toEqual(['POST']);
    await sees(viewer, { 'Sheet1!C1': '2.00' });
    viewer.close();
  });

  it('sends the values a sort moved, reported only as a change', async () => {
    const { sheet, viewer } = await published();
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1:A3', [['c'], ['a'], ['b']]));
    ok(sheet.change(EDITOR, 'OTHER', (ss) => ss.sheet('Sheet1').getRange('A1:A3').setValues([['a'], ['b'], ['c']])));
    await sees(viewer, { 'Sheet1!A1': 'a', 'Sheet1!A2': 'b', 'Sheet1!A3': 'c' });
    viewer.close();
  });
});

// Google does not document that a time-driven add-on run has the spreadsheet: both ways.
describe.each([
  { document: true, sends: ['PUT'] },
  { document: false, sends: [] },
])('the hourly check, run with the document: $document', ({ document, sends }) => {
  it('sends a change no trigger reported once (without the document: nothing, saying why), and the next edit brings it either way', async () => {
    const { sheet, viewer } = await published();
    sheet.clockHasDocument = document;
    sheet.writeSilently('Sheet1', 'B3', [['recalculated']]);
    const first = ok(sheet.tick());
    expect(first.map((r) => r.handler)).toEqual(['hourlyCheck']);
    expect(first[0]!.fetches.map((f) => f.method)).toEqual(sends);
    expect(ok(sheet.tick())[0]!.fetches).toEqual([]);
    const said = sheet.run(PUBLISHER, 'getState').lastError;
    if (document) expect(said).toBeNull();
    else expect(said).toMatch(/hourly check without access to this spreadsheet/);
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'next'));
    await sees(viewer, { 'Sheet1!B3': 'recalculated', 'Sheet1!A1': 'next' });
    expect(sheet.run(PUBLISHER, 'getState').lastError).toBeNull();
    viewer.close();
  });

  it('sends nothing after edits the triggers already delivered', async () => {
    const { sheet, viewer } = await published();
    sheet.clockHasDocument = document;
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'delivered'));
    expect(ok(sheet.tick())[0]!.fetches).toEqual([]);
    viewer.close();
  });
});

describe('hidden rows and columns', () => {
  it('never sends the values of rows or columns hidden by a person, nor of rows a filter hides', async () => {
    const sheet = world.spreadsheet();
    sheet.writeSilently('Sheet1', 'A1:C3', [
      ['Name', 'Points', 'Salary'],
      ['Ada', 10, 'secret-1'],
      ['Bob', 7, 'secret-2'],
    ]);
    sheet.spreadsheet.sheet('Sheet1').hideColumns(3);
    sheet.spreadsheet.sheet('Sheet1').hideRows(3);
    const { shareId } = sheet.run(PUBLISHER, 'publish', { title: 'Board', ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }], access: 'link', allow: [] });
    expect((await snapshotOf(world.relay, shareId!)).ranges[0]!.values).toEqual([
      ['Name', 'Points', ''],
      ['Ada', '10', ''],
      ['', '', ''],
    ]);
    const viewer = await connectViewer(world.relay, shareId!);
    await viewer.next('snapshot');
    // Typing into hidden cells (a row shown while another is hidden) sends them empty.
    const runs = ok(sheet.edit(EDITOR, 'Sheet1', 'B3:C3', [['8', 'secret-3']]));
    for (const run of runs) for (const fetch of run.fetches) expect(fetch.payload ?? '').not.toMatch(/secret|"8"/);
    // A filter that hides Ada's row: reported only as a change.
    ok(sheet.change(EDITOR, 'OTHER', (ss) => ss.sheet('Sheet1').filter([2])));
    await eventually(async () => expect((await snapshotOf(world.relay, shareId!)).ranges[0]!.values[1]).toEqual(['', '', '']));
    // Shown again: the row's current values go out.
    ok(sheet.change(EDITOR, 'OTHER', (ss) => (ss.sheet('Sheet1').filter(null), ss.sheet('Sheet1').showRows(3))));
    await eventually(async () => expect((await snapshotOf(world.relay, shareId!)).ranges[0]!.values).toEqual([
      ['Name', 'Points', ''],
      ['Ada', '10', ''],
      ['Bob', '8', ''],
    ]));
    expect(JSON.stringify(viewer.frames)).not.toMatch(/secret/);
    viewer.close();
  });
});

describe('deleted ranges', () => {
  it('stops publishing a range whose sheet was deleted and keeps the others', async () => {
    const sheet = world.spreadsheet();
    sheet.spreadsheet.insertSheet('Scratch');
    const state = sheet.run(PUBLISHER, 'publish', {
      title: 'Two',
      ranges: [
        { sheet: 'Scratch', range: 'A1:B2' },
        { sheet: 'Sheet1', range: 'A1:B2' },
      ],
      access: 'link',
      allow: [],
    });
    ok(sheet.change(EDITOR, 'REMOVE_GRID', (ss) => ss.deleteSheet(ss.sheet('Scratch') as never)));
    const after = sheet.run(PUBLISHER, 'getState');
    expect(after.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:B2' }]);
    expect(after.lastError).toBeNull();
    ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'still live'));
    await eventually(async () => {
      const snapshot = await snapshotOf(world.relay, state.shareId!);
      expect(snapshot.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:B2', values: [['', ''], ['', 'still live']], format: { styles: [], widths: [100, 100] } }]);
    });
  });

  it('stops publishing a range whose rows were all deleted', () => {
    const sheet = world.spreadsheet();
    sheet.run(PUBLISHER, 'publish', {
      title: 'Two',
      ranges: [
        { sheet: 'Sheet1', range: 'A1:B2' },
        { sheet: 'Sheet1', range: 'D10:E11' },
      ],
      access: 'link',
      allow: [],
    });
    ok(sheet.change(EDITOR, 'REMOVE_ROW', (ss) => ss.sheet('Sheet1').deleteRows(9, 4)));
    expect(sheet.run(PUBLISHER, 'getState').ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:B2' }]);
  });
});
