// The sheet's look on the server-side sync path: the relay reads formats through the real
// @googleapis/sheets client from the emulator's spreadsheets.get (grid data for the published
// ranges, a partial response), so a doc published from the web looks like its sheet too.
import { sheets } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseA1 } from '../protocol/a1.ts';
import type { PublishResponse, RangeFormat } from '../protocol/wire.ts';
import { GRID_FIELDS } from '../relay/google/reconcile.ts';
import { connectViewer, eventually, publishDoc, snapshotOf } from './helpers/index.ts';
import { addonIdToken, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';

const ALICE = 'alice@example.com';
let env: GoogleRelay;

beforeAll(async () => {
  env = await startGoogleRelay({ env: { SHEETCAST_SYNC_DEBOUNCE_MS: '100' } });
});
afterAll(() => env?.stop());

const rect = (a1: string) => parseA1(a1)!;
const RED = { red: 0.85, green: 0.19, blue: 0.15 }; // #d93026
const BLUE = { red: 0.1, green: 0.45, blue: 0.91 }; // #1a73e8

/** A scoreboard as people format one: a merged coloured title, a frozen header, right-aligned scores. */
function scoreboard(spreadsheetId: string) {
  const sheet = env.google.spreadsheet(spreadsheetId, 'Scores');
  sheet.setValues('Sheet1', 'A1:C5', [['League', '', ''], ['Team', 'Score', 'Site'], ['Red', 3, 'https://red.test'], ['Blue', 2, 'TRUE'], ['Secret', 99, '']]);
  sheet.restyle('Sheet1', (look) => {
    look.format(rect('A1:C1'), { backgroundColor: BLUE, textFormat: { foregroundColor: { red: 1, green: 1, blue: 1 }, bold: true, fontSize: 14, fontFamily: 'Roboto' }, horizontalAlignment: 'CENTER' });
    look.merges.push(rect('A1:C1'));
    look.format(rect('B3:B5'), { horizontalAlignment: 'RIGHT', textFormat: { italic: true } });
    look.conditional(rect('B3:B5'), (value) => Number(value) > 50, { backgroundColor: RED });
    look.line('column', 1, { pixelSize: 180 });
    look.line('row', 1, { pixelSize: 40 });
    look.line('row', 5, { hiddenByFilter: true });
    look.frozenRows = 2;
    look.hyperlink(3, 3, 'https://red.test');
    look.richLink(3, 1, 0, 'javascript:alert(1)');
    look.checkbox(4, 3);
    look.bandings.push({ rect: rect('A2:C5'), rowProperties: { headerColor: { red: 0.8, green: 0.8, blue: 0.8 }, firstBandColor: { red: 1, green: 1, blue: 1 }, secondBandColor: { red: 0.95, green: 0.95, blue: 0.95 } } });
  });
  return sheet;
}

async function connected(spreadsheetId: string): Promise<PublishResponse> {
  const doc = await publishDoc(env.relay, { spreadsheetId, title: 'Scores', ranges: [{ sheet: 'Sheet1', range: 'A1:C5' }] }, addonIdToken(env.google, ALICE));
  const flow = await oauthFlow(env.relay, { purpose: 'connect', loginHint: ALICE, doc: doc.docId });
  expect(flow.callback.status).toBe(200);
  return doc;
}

describe('formats read from the Sheets API', () => {
  it('carries effective formats, merges, sizes, frozen rows, bandings, links and checkboxes; hidden rows stay in the sheet', async () => {
    scoreboard('look-1');
    const doc = await connected('look-1');
    const range = await eventually(async () => {
      const r = (await snapshotOf(env.relay, doc.shareId)).ranges[0]!;
      expect(r.values[0]![0]).toBe('League');
      return r;
    });
    // The filtered row's value and look never left the sheet.
    expect(range.values).toEqual([['League', '', ''], ['Team', 'Score', 'Site'], ['Red', '3', 'https://red.test'], ['Blue', '2', 'TRUE'], ['', '', '']]);
    expect(JSON.stringify(range)).not.toContain('99');
    const format = range.format as RangeFormat;
    const styleAt = (row: number, col: number) => format.styles[format.cells![row]![col]!];
    expect(styleAt(0, 0)).toEqual({ bg: '#1a73e8', color: '#ffffff', bold: true, size: 14, font: 'Roboto', h: 'center' });
    expect(styleAt(1, 0)).toEqual({ bg: '#cccccc' }); // the banding's header row
    expect(styleAt(2, 1)).toEqual({ italic: true, h: 'right' }); // first band: white
    expect(styleAt(3, 1)).toEqual({ bg: '#f2f2f2', italic: true, h: 'right' }); // second band
    expect(styleAt(4, 1)).toEqual({}); // hidden: the conditional red would tell its value
    expect(format).toMatchObject({
      merges: [[0, 0, 1, 3]],
      widths: [180, 100, 100],
      heights: [[0, 40]],
      frozen: { rows: 2, columns: 0 },
      hidden: { rows: [4], columns: [] },
      links: [[2, 0, 'javascript:alert(1)'], [2, 2, 'https://red.test']],
      checks: [[3, 2]],
    });
  });

  it('sends a format change to open viewers without a reload, and conditional formats as they apply', async () => {
    const sheet = scoreboard('look-2');
    const doc = await connected('look-2');
    await eventually(async () => expect((await snapshotOf(env.relay, doc.shareId)).ranges[0]!.format).toBeDefined());
    const viewer = await connectViewer(env.relay, doc.shareId);
    await viewer.next('snapshot');
    sheet.restyle('Sheet1', (look) => look.format(rect('A1:C1'), { backgroundColor: RED }));
    const delta = await viewer.next('delta');
    expect(delta.changes).toEqual([]);
    const format = delta.formats![0]!.format;
    expect(format.styles[format.cells![0]![0]!]!.bg).toBe('#d93026');
    // a value that meets the conditional rule turns its cell red: values and format in one delta
    sheet.setValue('Sheet1', 'B4', 77);
    const next = await viewer.next('delta');
    expect(next.changes).toEqual([{ sheet: 'Sheet1', range: 'B4', values: [['77']] }]);
    const after = next.formats![0]!.format;
    expect(after.styles[after.cells![3]![1]!]!.bg).toBe('#d93026');
  });
});

describe("the emulator's spreadsheets.get, through the real client", () => {
  it('answers grid data only when asked, and only the fields of a partial response', async () => {
    env.google.spreadsheet('look-3').setValues('Sheet1', 'A1:B2', [['a', 'b'], ['c', 'd']]);
    const { accessToken } = env.google.issueTokens({ email: ALICE, clientId: 'test', scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] });
    const api = sheets({ version: 'v4', rootUrl: `${env.google.url}/`, headers: { authorization: `Bearer ${accessToken}` } });
    const plain = await api.spreadsheets.get({ spreadsheetId: 'look-3', ranges: ['Sheet1!A1:B2'] });
    expect(plain.data.sheets![0]!.data).toBeUndefined();
    const masked = await api.spreadsheets.get({ spreadsheetId: 'look-3', ranges: ['Sheet1!B2'], fields: GRID_FIELDS });
    expect(Object.keys(masked.data)).toEqual(['sheets']);
    const grid = masked.data.sheets![0]!.data![0]!;
    expect(grid).toMatchObject({ startRow: 1, startColumn: 1, rowData: [{ values: [{ formattedValue: 'd' }] }] });
    expect(grid.rowData![0]!.values![0]!.effectiveFormat).toEqual({
      backgroundColor: { red: 1, green: 1, blue: 1 },
      verticalAlignment: 'BOTTOM',
      wrapStrategy: 'OVERFLOW_CELL',
      textFormat: { foregroundColor: {}, fontFamily: 'arial,sans,sans-serif', fontSize: 10 },
    });
    await expect(api.spreadsheets.get({ spreadsheetId: 'look-3', fields: 'sheets(data' })).rejects.toMatchObject({ status: 400 });
  });
});
