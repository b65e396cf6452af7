// Reads a doc's published ranges from the Sheets API as the sheet shows them (FORMATTED_VALUE)
// and turns Google's ragged rows into the full grids the ingest path takes.
import type { sheets_v4 } from '@googleapis/sheets';
import { columns, parseA1, rows } from '../../protocol/a1.ts';
import type { RangeValues } from '../../protocol/wire.ts';
import type { DocRecord } from '../store/store.ts';

/** `'Team B'!A1:C3`: a quoted sheet name is always valid A1, whatever the name holds. */
export function qualifiedRange(sheet: string, range: string): string {
  return `'${sheet.replace(/'/g, "''")}'!${range}`;
}

/** Google leaves out trailing empty cells and rows; the grid has the range's exact shape. */
export function toGrid(range: string, values: unknown[][] | null | undefined): string[][] {
  const rect = parseA1(range)!;
  return Array.from({ length: rows(rect) }, (_, r) =>
    Array.from({ length: columns(rect) }, (_, c) => {
      const value = values?.[r]?.[c];
      return value === undefined || value === null ? '' : String(value);
    }),
  );
}

export async function readPublishedRanges(api: sheets_v4.Sheets, doc: DocRecord): Promise<RangeValues[]> {
  const response = await api.spreadsheets.values.batchGet({
    spreadsheetId: doc.spreadsheetId,
    ranges: doc.ranges.map((r) => qualifiedRange(r.sheet, r.range)),
    valueRenderOption: 'FORMATTED_VALUE',
    majorDimension: 'ROWS',
  });
  const valueRanges = response.data.valueRanges ?? [];
  // batchGet answers in the order asked, one ValueRange per range.
  return doc.ranges.map((r, i) => ({ sheet: r.sheet, range: r.range, values: toGrid(r.range, valueRanges[i]?.values) }));
}
