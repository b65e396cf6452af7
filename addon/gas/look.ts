// How a published range looks, read with plural getters over its whole rectangle (one call
// each, a grid back) and the few per-line calls Sheets offers nothing plural for: one per
// column (width) and per row (height). Per-cell calls are made only on objects a grid handed
// back, and only where there is something to ask: a link of a cell with text, the kind of a
// cell's data validation. Never called on a value edit (docs/performance.md).

import type { Rect } from '../../protocol/a1.ts';
import type { RangeFormat } from '../../protocol/format.ts';
import type { RangeValues } from '../../protocol/wire.ts';
import { rangeRect } from '../logic/clip.ts';
import { buildFormat, DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_HEIGHT, linkGrid, textLinksOf, type HiddenLines, type RawBanding, type RawLook, type TextLinks } from '../logic/format.ts';
import { hiddenWithin, type Hidden } from '../logic/hidden.ts';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/**
 * The format of each published range; `published` are their values as sent, in the same order.
 * `known`: per range, the rich-text links as last read, when no edit can have changed them
 * since (null or absent: read them). Returns the links read or reused, for the next time.
 */
export function readFormats(
  ss: GoogleAppsScript.Spreadsheet.Spreadsheet,
  published: readonly RangeValues[],
  hidden: Hidden,
  known: readonly (TextLinks | null)[] = [],
): { formats: RangeFormat[]; links: TextLinks[] } {
  const frozen = new Map<string, { rows: number; columns: number }>();
  const links: TextLinks[] = [];
  const formats = published.map((r, i) => {
    const sheet = ss.getSheetByName(r.sheet);
    if (!sheet) throw new Error(`The sheet "${r.sheet}" no longer exists.`);
    const rect = rangeRect(r);
    const lines = frozen.get(r.sheet) ?? readFrozen(sheet);
    frozen.set(r.sheet, lines);
    const within = hiddenWithin(hidden, r.sheet, rect);
    const look = readLook(sheet, rect, r.values, lines, known[i] ?? null, within);
    links.push(textLinksOf(look.links));
    return buildFormat(look, rect, within);
  });
  return { formats, links };
}

/**
 * `values`: the cells' display values as sent (hidden ones empty): cells without text have no
 * link to ask for. `hidden` lines (0-based in the range): their heights and widths are not
 * asked, as they are not shown. `known`: the range's links as last read, when still valid.
 */
export function readLook(
  sheet: Sheet,
  rect: Rect,
  values: readonly (readonly string[])[],
  frozen: { rows: number; columns: number },
  known: TextLinks | null,
  hidden: HiddenLines,
): RawLook {
  const rows = rect.bottom - rect.top + 1;
  const columns = rect.right - rect.left + 1;
  const range = sheet.getRange(rect.top, rect.left, rows, columns);
  // A call per cell with text: the links are reused while no edit can have changed them.
  const links = known ? linkGrid(known, rows, columns) : range.getRichTextValues().map((row, r) => row.map((text, c) => (text && values[r]?.[c] ? text.getLinkUrl() : null)));
  const validations = range.getDataValidations();
  const checks = validations.map((row) => row.map((rule) => rule !== null && String(rule.getCriteriaType()) === 'CHECKBOX'));
  return {
    backgrounds: range.getBackgrounds(),
    // Deprecated for getFontColorObjects, whose colours cost two calls a cell to read as text.
    fontColors: range.getFontColors(),
    weights: range.getFontWeights(),
    styles: range.getFontStyles(),
    lines: range.getFontLines(),
    families: range.getFontFamilies(),
    sizes: range.getFontSizes(),
    horizontal: range.getHorizontalAlignments(),
    vertical: range.getVerticalAlignments(),
    wraps: range.getWrapStrategies().map((row) => row.map((w) => String(w))),
    formulas: range.getFormulas(),
    links,
    checks,
    merges: range.getMergedRanges().map((m) => m.getA1Notation()),
    bandings: range.getBandings().map(readBanding),
    widths: Array.from({ length: columns }, (_, i) => (hidden.columns.includes(i) ? DEFAULT_COLUMN_WIDTH : sheet.getColumnWidth(rect.left + i))),
    heights: Array.from({ length: rows }, (_, i) => (hidden.rows.includes(i) ? DEFAULT_ROW_HEIGHT : sheet.getRowHeight(rect.top + i))),
    frozen,
  };
}

/** The sheet's frozen rows and columns: asked once per sheet per read. */
export function readFrozen(sheet: Sheet): { rows: number; columns: number } {
  return { rows: sheet.getFrozenRows(), columns: sheet.getFrozenColumns() };
}

/**
 * A banding by rows when it has row colours, else by columns. The colours are read as text
 * (`#rrggbb`, null when unset): Google deprecates these getters for the *ColorObject ones,
 * whose Color objects take two more calls each to read as text.
 */
function readBanding(banding: GoogleAppsScript.Spreadsheet.Banding): RawBanding {
  const area = banding.getRange().getA1Notation();
  const first = banding.getFirstRowColor();
  if (first) return { area, axis: 'rows', header: banding.getHeaderRowColor(), first, second: banding.getSecondRowColor(), footer: banding.getFooterRowColor() };
  return { area, axis: 'columns', header: banding.getHeaderColumnColor(), first: banding.getFirstColumnColor(), second: banding.getSecondColumnColor(), footer: banding.getFooterColumnColor() };
}
