// Reads a doc's published ranges from the Sheets API as the sheet shows them, in one call: each
// cell's formatted value and effective format (conditional formatting included), merges,
// column widths, row heights, hidden and frozen lines, bandings, links and checkboxes.
// Rows and columns hidden by a person or a filter go out empty and unstyled, as if unpublished.
import type { sheets_v4 } from '@googleapis/sheets';
import { columns, parseA1, rows, type Rect } from '../../protocol/a1.ts';
import { StyleTable } from '../../protocol/styles.ts';
import { FormatLimits, type RangeFormat, type SharedRange } from '../../protocol/wire.ts';
import type { DocRecord } from '../store/store.ts';
import { bandColor, linkOf, styleOf } from './cell-look.ts';

/** Only what the view shows: a partial response keeps the answer to what is used. */
export const GRID_FIELDS =
  'sheets(properties(title,gridProperties(frozenRowCount,frozenColumnCount)),merges,bandedRanges(range,rowProperties),' +
  'data(startRow,startColumn,rowMetadata(pixelSize,hiddenByUser,hiddenByFilter),columnMetadata(pixelSize,hiddenByUser),' +
  'rowData(values(formattedValue,hyperlink,effectiveFormat(backgroundColor,textFormat,horizontalAlignment,verticalAlignment,wrapStrategy),' +
  'dataValidation(condition(type)),textFormatRuns(format(link))))))';

const DEFAULT_ROW_PX = 21;
const DEFAULT_COLUMN_PX = 100;

/** `'Team B'!A1:C3`: a quoted sheet name is always valid A1, whatever the name holds. */
export function qualifiedRange(sheet: string, range: string): string {
  return `'${sheet.replace(/'/g, "''")}'!${range}`;
}

export async function readPublishedRanges(api: sheets_v4.Sheets, doc: DocRecord): Promise<SharedRange[]> {
  const { data } = await api.spreadsheets.get({
    spreadsheetId: doc.spreadsheetId,
    ranges: doc.ranges.map((r) => qualifiedRange(r.sheet, r.range)),
    includeGridData: true,
    fields: GRID_FIELDS,
  });
  const sheets = new Map((data.sheets ?? []).map((s) => [s.properties?.title ?? '', s]));
  // Google answers one GridData per range asked, per sheet, in the order asked.
  const taken = new Map<string, number>();
  return doc.ranges.map((r) => {
    const sheet = sheets.get(r.sheet);
    const index = taken.get(r.sheet) ?? 0;
    taken.set(r.sheet, index + 1);
    const grid = sheet?.data?.[index];
    const rect = parseA1(r.range)!;
    if (!sheet || !grid || (grid.startRow ?? 0) !== rect.top - 1 || (grid.startColumn ?? 0) !== rect.left - 1) {
      throw new Error(`the Sheets API answered no grid data for ${qualifiedRange(r.sheet, r.range)}`);
    }
    return { sheet: r.sheet, range: r.range, ...rangeLook(sheet, grid, rect) };
  });
}

function rangeLook(sheet: sheets_v4.Schema$Sheet, grid: sheets_v4.Schema$GridData, rect: Rect): { values: string[][]; format: RangeFormat } {
  const height = rows(rect);
  const width = columns(rect);
  const rowMeta = grid.rowMetadata ?? [];
  const columnMeta = grid.columnMetadata ?? [];
  const hiddenRows = new Set(rowMeta.flatMap((m, i) => (m.hiddenByUser || m.hiddenByFilter ? [i] : [])));
  const hiddenColumns = new Set(columnMeta.flatMap((m, i) => (m.hiddenByUser ? [i] : [])));
  const table = new StyleTable();
  const values: string[][] = [];
  const cells: number[][] = [];
  const links: [number, number, string][] = [];
  const checks: [number, number][] = [];
  for (let r = 0; r < height; r++) {
    const line = grid.rowData?.[r]?.values ?? [];
    values.push([]);
    cells.push([]);
    for (let c = 0; c < width; c++) {
      const cell = line[c] ?? {};
      const hidden = hiddenRows.has(r) || hiddenColumns.has(c);
      // A hidden cell shows nothing of itself: no value, and no style (a conditional format would tell).
      values[r]!.push(hidden ? '' : (cell.formattedValue ?? ''));
      const style = hidden ? {} : styleOf(cell.effectiveFormat, bandColor(sheet.bandedRanges, rect.top - 1 + r, rect.left - 1 + c));
      cells[r]!.push(table.styles.length < FormatLimits.styles ? table.indexOf(style) : 0);
      if (hidden) continue;
      const link = linkOf(cell);
      if (link) links.push([r, c, link]);
      if (cell.dataValidation?.condition?.type === 'BOOLEAN') checks.push([r, c]);
    }
  }
  const frozen = {
    rows: clamp((sheet.properties?.gridProperties?.frozenRowCount ?? 0) - (rect.top - 1), height),
    columns: clamp((sheet.properties?.gridProperties?.frozenColumnCount ?? 0) - (rect.left - 1), width),
  };
  const merges = (sheet.merges ?? []).flatMap((m): [number, number, number, number][] => {
    const top = Math.max(m.startRowIndex ?? 0, rect.top - 1);
    const left = Math.max(m.startColumnIndex ?? 0, rect.left - 1);
    const bottom = Math.min(m.endRowIndex ?? 0, rect.bottom);
    const right = Math.min(m.endColumnIndex ?? 0, rect.right);
    const spans = [bottom - top, right - left] as const;
    return spans[0] >= 1 && spans[1] >= 1 && spans[0] * spans[1] > 1 ? [[top - rect.top + 1, left - rect.left + 1, ...spans]] : [];
  });
  const size = (px: number | null | undefined, fallback: number) => Math.min(px ?? fallback, FormatLimits.size);
  const heights = rowMeta.flatMap((m, i): [number, number][] => ((m.pixelSize ?? DEFAULT_ROW_PX) !== DEFAULT_ROW_PX ? [[i, size(m.pixelSize, DEFAULT_ROW_PX)]] : []));
  const widths = Array.from({ length: width }, (_, c) => size(columnMeta[c]?.pixelSize, DEFAULT_COLUMN_PX));
  const format: RangeFormat = {
    ...table.toFormat(cells),
    ...(widths.some((px) => px !== DEFAULT_COLUMN_PX) && { widths }),
    ...(heights.length > 0 && { heights }),
    ...(merges.length > 0 && { merges }),
    ...((frozen.rows > 0 || frozen.columns > 0) && { frozen }),
    ...((hiddenRows.size > 0 || hiddenColumns.size > 0) && { hidden: { rows: [...hiddenRows], columns: [...hiddenColumns] } }),
    ...(links.length > 0 && { links }),
    ...(checks.length > 0 && { checks }),
  };
  return { values, format };
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(n, max));
}
