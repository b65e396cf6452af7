// The spreadsheet: display values of published rectangles, the selection, and the named
// ranges that anchor each published range so it follows inserted and removed rows.

import { formatA1, type Rect } from '../../protocol/a1.ts';
import type { PublishedRange, RangeValues } from '../../protocol/wire.ts';
import { rangeRect } from '../logic/clip.ts';
import { maskHidden, type Hidden } from '../logic/hidden.ts';
import { countDaysIn } from './session.ts';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Range = GoogleAppsScript.Spreadsheet.Range;

const ANCHOR_PREFIX = 'Sheetcast_';

export function activeSpreadsheet(): Spreadsheet {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  if (!ss) throw new Error('Sheetcast runs inside a spreadsheet.');
  countDaysIn(ss);
  return ss;
}

export function rectOf(range: Range): Rect {
  const top = range.getRow();
  const left = range.getColumn();
  return { top, left, bottom: top + range.getNumRows() - 1, right: left + range.getNumColumns() - 1 };
}

/** The cells as the sheet shows them (number formats, dates, booleans as TRUE/FALSE). */
export function readValues(ss: Spreadsheet, sheetName: string, rect: Rect): string[][] {
  const sheet = ss.getSheetByName(sheetName);
  if (!sheet) throw new Error(`The sheet "${sheetName}" no longer exists.`);
  return sheet.getRange(rect.top, rect.left, rect.bottom - rect.top + 1, rect.right - rect.left + 1).getDisplayValues();
}

export function readRanges(ss: Spreadsheet, ranges: readonly PublishedRange[]): RangeValues[] {
  return ranges.map((r) => ({ sheet: r.sheet, range: r.range, values: readValues(ss, r.sheet, rangeRect(r)) }));
}

/** The published values as viewers may see them: hidden rows and columns empty. */
export function readPublished(ss: Spreadsheet, ranges: readonly PublishedRange[], hidden: Hidden): RangeValues[] {
  return readRanges(ss, ranges).map((r) => ({ ...r, values: maskHidden(hidden, r.sheet, rangeRect(r), r.values) }));
}

/**
 * Which rows and columns of the published ranges are hidden, by a person or by a filter.
 * Sheets offers no call for many rows at once: one call per row (two while a filter is on)
 * and one per column, so this runs on changes and the hourly check, not on edits.
 */
export function readHidden(ss: Spreadsheet, ranges: readonly PublishedRange[]): Hidden {
  const hidden: Hidden = {};
  for (const r of ranges) {
    const sheet = ss.getSheetByName(r.sheet);
    if (!sheet) continue;
    const rect = rangeRect(r);
    const filtered = sheet.getFilter() !== null;
    const lines = (hidden[r.sheet] ??= { rows: [], columns: [] });
    for (let row = rect.top; row <= rect.bottom; row++) {
      if (!lines.rows.includes(row) && (sheet.isRowHiddenByUser(row) || (filtered && sheet.isRowHiddenByFilter(row)))) lines.rows.push(row);
    }
    for (let column = rect.left; column <= rect.right; column++) {
      if (!lines.columns.includes(column) && sheet.isColumnHiddenByUser(column)) lines.columns.push(column);
    }
  }
  for (const [sheet, lines] of Object.entries(hidden)) {
    if (lines.rows.length + lines.columns.length === 0) delete hidden[sheet];
    lines.rows.sort((a, b) => a - b);
    lines.columns.sort((a, b) => a - b);
  }
  return hidden;
}

/** Checks that each range names an existing sheet and fits in it; returns them in canonical A1. */
export function resolveRanges(ss: Spreadsheet, ranges: readonly PublishedRange[]): PublishedRange[] {
  return ranges.map((r) => {
    const sheet = ss.getSheetByName(r.sheet);
    if (!sheet) throw new Error(`There is no sheet named "${r.sheet}".`);
    const rect = rangeRect(r);
    if (rect.bottom > sheet.getMaxRows() || rect.right > sheet.getMaxColumns()) {
      throw new Error(`${r.range} does not fit in "${r.sheet}".`);
    }
    return { sheet: r.sheet, range: formatA1(rect) };
  });
}

export function selection(ss: Spreadsheet): PublishedRange {
  const range = ss.getActiveRange();
  if (!range) throw new Error('Select the cells to publish first.');
  return { sheet: range.getSheet().getName(), range: formatA1(rectOf(range)) };
}

function anchorName(index: number): string {
  return `${ANCHOR_PREFIX}${index + 1}`;
}

export function removeAnchors(ss: Spreadsheet): void {
  for (const named of ss.getNamedRanges()) {
    if (named.getName().startsWith(ANCHOR_PREFIX)) named.remove();
  }
}

export function setAnchors(ss: Spreadsheet, ranges: readonly PublishedRange[]): void {
  removeAnchors(ss);
  ranges.forEach((r, i) => {
    const sheet = ss.getSheetByName(r.sheet);
    if (sheet) ss.setNamedRange(anchorName(i), sheet.getRange(r.range));
  });
}

/** Where each published range's anchor is now; null for one whose rows or sheet were deleted. */
export function readAnchors(ss: Spreadsheet, count: number): (PublishedRange | null)[] {
  const found = new Map<string, Range>();
  for (const named of ss.getNamedRanges()) {
    try {
      found.set(named.getName(), named.getRange());
    } catch {
      // Its cells or sheet were deleted: the name refers to #REF!.
    }
  }
  return Array.from({ length: count }, (_, i) => {
    const range = found.get(anchorName(i));
    return range ? { sheet: range.getSheet().getName(), range: formatA1(rectOf(range)) } : null;
  });
}
