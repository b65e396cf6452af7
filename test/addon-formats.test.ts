// The sheet's look reaches viewers: formats set in the harness's sheet, read by the built
// add-on, stored by the real relay (its snapshot GET) and sent to a live viewer; a format
// change sends formats and no values; a value edit reads no format at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellStyle, RangeFormat } from '../protocol/format.ts';
import type { EditsRequest, LiveFrame } from '../protocol/wire.ts';
import { connectViewer, eventually, snapshotOf } from './helpers/index.ts';
import type { AppsScriptHarness, Execution } from './apps-script/harness.ts';
import { serviceCalls } from './apps-script/execution.ts';
import { checkboxRule, richText, WrapStrategy } from './apps-script/look.ts';
import { EDITOR, ok, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

function publish(sheet: AppsScriptHarness, range = 'A1:D6'): string {
  const state = sheet.run(PUBLISHER, 'publish', { title: 'Look', ranges: [{ sheet: 'Sheet1', range }], access: 'link', allow: [] });
  expect(state.lastError).toBeNull();
  return state.shareId!;
}

/** A spreadsheet publishing Sheet1!A1:B2 of text, `first` in A1. */
function publishedGrid(first: string): { sheet: AppsScriptHarness; shareId: string } {
  const sheet = world.spreadsheet();
  sheet.spreadsheet.sheet('Sheet1').getRange('A1:B2').setValues([
    [first, 'b'],
    ['c', 'd'],
  ]);
  return { sheet, shareId: publish(sheet, 'A1:B2') };
}

async function relayFormat(shareId: string): Promise<RangeFormat> {
  const snapshot = await snapshotOf(world.relay, shareId);
  return snapshot.ranges[0]!.format!;
}

/** The style a cell has in a format (row and column 0-based within the range). */
function styleAt(format: RangeFormat, row: number, col: number): CellStyle {
  const index = format.cells?.[row]?.[col];
  return index === undefined ? {} : format.styles[index]!;
}

function formatPosts(executions: Execution[]): EditsRequest[] {
  return executions.flatMap((e) => e.fetches).filter((f) => f.method === 'POST' && f.url.endsWith('/edits')).map((f) => JSON.parse(f.payload!) as EditsRequest);
}

describe("the sheet's look", () => {
  it('sends every format the sheet has with the first snapshot, and the relay serves it', async () => {
    const sheet = world.spreadsheet();
    const s = sheet.spreadsheet.sheet('Sheet1');
    s.getRange('A1:D6').setValues([
      ['Scoreboard', '', '', ''],
      ['Team', 'Points', 'Site', 'Paid'],
      ['Reds', 10, 'x', true],
      ['Blues', 7, 'y', false],
      ['Greens', 3, '', ''],
      ['Note', '', '', ''],
    ]);
    s.range('A1:D1').merge();
    s.range('A1').setBackground('#1f4e79').setFontColor('#ffffff').setFontWeight('bold').setFontSize(14).setHorizontalAlignment('center').setFontFamily('Georgia');
    s.range('A2:D2').setFontStyle('italic').setVerticalAlignment('middle');
    s.range('B3:B5').setHorizontalAlignment('right').setFontLine('underline');
    s.range('A5').setFontLine('line-through');
    s.range('A6').setWrapStrategy(WrapStrategy.WRAP);
    s.range('B6').setWrapStrategy(WrapStrategy.CLIP).setHorizontalAlignment('left');
    s.range('C3').setRichTextValue(richText('site', [[0, 4, 'https://reds.example.com/']]));
    s.range('C4').setFormula('=HYPERLINK("https://blues.example.com/", "blues")');
    s.range('D3:D4').setDataValidation(checkboxRule());
    s.range('A3:D5').applyRowBanding(false);
    s.range('D5').setBackground('#ffe599');
    s.setColumnWidth(1, 180);
    s.setRowHeight(1, 40);
    s.setFrozenRows(2);
    s.setFrozenColumns(1);
    const format = await relayFormat(publish(sheet));
    expect(styleAt(format, 0, 0)).toEqual({ bg: '#1f4e79', color: '#ffffff', bold: true, size: 14, h: 'center', font: 'Georgia' });
    expect(styleAt(format, 1, 1)).toEqual({ italic: true, v: 'middle' });
    expect(styleAt(format, 2, 1)).toEqual({ h: 'right', underline: true });
    // Bandings resolve into backgrounds: white first row, grey second; a filled cell keeps its fill.
    expect(styleAt(format, 2, 0)).toEqual({});
    expect(styleAt(format, 3, 0)).toEqual({ bg: '#f3f3f3' });
    expect(styleAt(format, 4, 0)).toEqual({ strike: true });
    expect(styleAt(format, 4, 3)).toEqual({ bg: '#ffe599' });
    expect(styleAt(format, 5, 0)).toEqual({ wrap: 'wrap' });
    expect(styleAt(format, 5, 1)).toEqual({ wrap: 'clip', h: 'left' });
    expect(format.merges).toEqual([[0, 0, 1, 4]]);
    expect(format.widths).toEqual([180, 100, 100, 100]);
    expect(format.heights).toEqual([[0, 40]]);
    expect(format.frozen).toEqual({ rows: 2, columns: 1 });
    expect(format.links).toEqual([
      [2, 2, 'https://reds.example.com/'],
      [3, 2, 'https://blues.example.com/'],
    ]);
    expect(format.checks).toEqual([
      [2, 3],
      [3, 3],
    ]);
    // Distinct styles only: one entry per different look, the default among them.
    expect(new Set(format.styles.map((st) => JSON.stringify(st))).size).toBe(format.styles.length);
  });

  it('sends a format change to an open viewer as formats without values, and reads no format for a value edit', async () => {
    const { sheet, shareId } = publishedGrid('a');
    const viewer = await connectViewer(world.relay, shareId);
    await viewer.next('snapshot');
    const runs = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('B2').setBackground('#ff0000')));
    expect(runs.map((r) => r.handler)).toEqual(['onSheetChange']);
    expect(runs[0]!.fetches.map((f) => f.method)).toEqual(['POST']);
    const [posted] = formatPosts(runs);
    expect(posted!.edits).toEqual([]);
    expect(posted!.formats!.map((f) => [f.sheet, f.range])).toEqual([['Sheet1', 'A1:B2']]);
    expect(styleAt(posted!.formats![0]!.format, 1, 1)).toEqual({ bg: '#ff0000' });
    await eventually(() => {
      const delta = viewer.frames.find((f): f is Extract<LiveFrame, { type: 'delta' }> => f.type === 'delta' && !!f.formats);
      expect(delta?.changes).toEqual([]);
      expect(styleAt(delta!.formats![0]!.format, 1, 1)).toEqual({ bg: '#ff0000' });
    });
    expect(styleAt(await relayFormat(shareId), 1, 1)).toEqual({ bg: '#ff0000' });
    // The same look again is not sent again.
    expect(ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('B2').setBackground('#ff0000')))[0]!.fetches).toEqual([]);
    // A value edit: the same eleven calls as before formats, none of them a format getter.
    const edit = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'typed'))[0]!;
    expect(serviceCalls(edit)).toBe(11);
    expect(Object.keys(edit.calls).filter((name) => /getBackgrounds|getFont|getRichText|getColumnWidth|getRowHeight|getMergedRanges/.test(name))).toEqual([]);
    viewer.close();
  });

  it('reads the links again only after an edit: a format change after a format change asks no cell for its link', async () => {
    const { sheet, shareId } = publishedGrid('docs');
    const [first] = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('A2').setFontWeight('bold')));
    expect(first!.calls['Range.getRichTextValues']).toBeUndefined();
    expect(first!.fetches).toHaveLength(1);
    // Insert > Link on the existing text is an edit: the next format read asks the cells again, and sends it.
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', richText('docs', [[0, 4, 'https://docs.example.com/']])));
    const [second] = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('B2').setFontWeight('bold')));
    expect(second!.calls['Range.getRichTextValues']).toBe(1);
    expect(second!.calls['RichTextValue.getLinkUrl']).toBe(4);
    await eventually(async () => expect((await relayFormat(shareId)).links).toEqual([[0, 0, 'https://docs.example.com/']]));
  });

  it('catches a format change no trigger reported with the hourly check', async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet, 'A1:B2');
    sheet.spreadsheet.sheet('Sheet1').range('A1').setFontWeight('bold'); // no change event reached the add-on
    const [check] = ok(sheet.tick());
    const [posted] = formatPosts([check!]);
    expect(posted!.edits).toEqual([]);
    expect(styleAt(posted!.formats![0]!.format, 0, 0)).toEqual({ bold: true });
    expect(check!.fetches.some((f) => f.method === 'PUT')).toBe(false);
    await eventually(async () => expect(styleAt(await relayFormat(shareId), 0, 0)).toEqual({ bold: true }));
  });

  it('lists hidden rows and columns in the format, and sends none of their values, links or checkboxes in any request', async () => {
    const sheet = world.spreadsheet();
    const s = sheet.spreadsheet.sheet('Sheet1');
    s.getRange('A1:C3').setValues([
      ['shown', 'secret-column', 'shown'],
      ['secret-row', 'secret-both', 'secret-row'],
      ['shown', 'secret-column', true],
    ]);
    s.range('B1').setRichTextValue(richText('secret-column', [[0, 13, 'https://secret.example.com/column']]));
    s.range('A2').setFormula('=HYPERLINK("https://secret.example.com/row", "secret-row")');
    s.range('C2').setDataValidation(checkboxRule());
    s.range('C3').setDataValidation(checkboxRule());
    s.hideRows(2);
    s.hideColumns(2);
    const shareId = publish(sheet, 'A1:C3');
    const [change] = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('A1').setBackground('#00ff00')));
    // A hidden line's size is not asked: it is not shown.
    expect([change!.calls['Sheet.getRowHeight'], change!.calls['Sheet.getColumnWidth']]).toEqual([2, 2]);
    ok(sheet.tick());
    const format = await relayFormat(shareId);
    expect(format.hidden).toEqual({ rows: [1], columns: [1] });
    expect(format.checks).toEqual([[2, 2]]);
    expect(format.links).toBeUndefined();
    const sent = sheet.fetches().map((f) => f.payload ?? '');
    expect(sent.length).toBeGreaterThan(2);
    for (const payload of sent) expect(payload).not.toMatch(/secret/);
    // Shown again: the row's values and link are sent.
    ok(sheet.change(EDITOR, 'OTHER', (ss) => ss.sheet('Sheet1').showRows(2)));
    const shown = await snapshotOf(world.relay, shareId);
    expect(shown.ranges[0]!.values[1]).toEqual(['secret-row', '', 'secret-row']);
    expect(shown.ranges[0]!.format!.links).toEqual([[1, 0, 'https://secret.example.com/row']]);
    expect(shown.ranges[0]!.format!.hidden).toEqual({ rows: [], columns: [1] });
  });

  it('keeps a format change in the outbox while the relay does not answer, and sends it first once it does', async () => {
    const { sheet, shareId } = publishedGrid('a');
    await world.relay.stop();
    const [offline] = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('A1').setFontStyle('italic')));
    expect(offline!.fetches.map((f) => f.status)).toEqual([null]);
    expect(sheet.run(PUBLISHER, 'getState').pending).toBe(1);
    await world.relay.restart();
    const [back] = ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'back'));
    expect(back!.fetches.map((f) => f.status)).toEqual([200, 200]);
    expect((JSON.parse(back!.fetches[0]!.payload!) as EditsRequest).formats).toHaveLength(1);
    expect(styleAt(await relayFormat(shareId), 0, 0)).toEqual({ italic: true });
  });
});
