// A published range's look as the relay takes it (protocol/format.ts): a table of distinct
// styles with an index per cell (protocol/styles.ts, shared with the relay's Sheets API path),
// defaults left out, bandings resolved into backgrounds; hidden rows and columns listed, and
// nothing of their cells sent: no style, link or checkbox.

import { intersect, parseA1, type Rect } from '../../protocol/a1.ts';
import type { CellStyle, RangeFormat } from '../../protocol/format.ts';
import { StyleTable } from '../../protocol/styles.ts';
import { FormatLimits } from '../../protocol/wire.ts';
import { hash53 } from './hash.ts';

export interface RawBanding {
  /** The banded area, A1 on the range's sheet. */
  area: string;
  axis: 'rows' | 'columns';
  header: string | null;
  first: string | null;
  second: string | null;
  footer: string | null;
}

/** What the getters returned for one range, grids in the range's shape. */
export interface RawLook {
  backgrounds: string[][];
  fontColors: string[][];
  weights: string[][];
  styles: string[][];
  lines: string[][];
  families: string[][];
  sizes: number[][];
  horizontal: string[][];
  vertical: string[][];
  /** WrapStrategy names: WRAP, OVERFLOW, CLIP. */
  wraps: string[][];
  formulas: string[][];
  /** A rich-text link of the whole cell, where there is one. */
  links: (string | null)[][];
  checks: boolean[][];
  /** Merged areas in A1, as the sheet gives them (they may stick out of the range). */
  merges: string[];
  bandings: RawBanding[];
  widths: number[];
  heights: number[];
  frozen: { rows: number; columns: number };
}

/** A range's whole-cell rich-text links, `[row, col, url]` 0-based: what a later read may reuse. */
export type TextLinks = [number, number, string][];

export function textLinksOf(grid: readonly (readonly (string | null)[])[]): TextLinks {
  return grid.flatMap((row, r) => row.flatMap((url, c) => (url ? [[r, c, url] as [number, number, string]] : [])));
}

export function linkGrid(links: TextLinks, rows: number, columns: number): (string | null)[][] {
  const grid: (string | null)[][] = Array.from({ length: rows }, () => Array.from({ length: columns }, () => null));
  for (const [r, c, url] of links) if (r < rows && c < columns) grid[r]![c] = url;
  return grid;
}

/** Lines hidden by a person or a filter, 0-based within the range. */
export interface HiddenLines {
  rows: number[];
  columns: number[];
}

const WHITE = '#ffffff';
/** Sheets' row height, left out of a format, and column width (a hidden column's stands in for it). */
export const DEFAULT_ROW_HEIGHT = 21;
export const DEFAULT_COLUMN_WIDTH = 100;
const ALIGN: Record<string, CellStyle['h']> = { left: 'left', 'general-left': 'left', center: 'center', right: 'right', 'general-right': 'right' };

function color(text: string | null | undefined): string | undefined {
  const value = text?.trim().toLowerCase();
  return value && /^#[0-9a-f]{6}$/.test(value) ? value : undefined;
}

/** The colour alternating colours give a cell at (row, col) of the sheet, if any. */
function bandColor(bands: readonly { rect: Rect; band: RawBanding }[], row: number, col: number): string | undefined {
  for (const { rect, band } of bands) {
    if (row < rect.top || row > rect.bottom || col < rect.left || col > rect.right) continue;
    const [at, first, last] = band.axis === 'rows' ? [row, rect.top, rect.bottom] : [col, rect.left, rect.right];
    if (at === first && band.header) return color(band.header);
    if (at === last && band.footer) return color(band.footer);
    const body = at - first - (band.header ? 1 : 0);
    return color(body % 2 === 0 ? band.first : band.second);
  }
  return undefined;
}

function styleAt(look: RawLook, r: number, c: number, banded: string | undefined): CellStyle {
  const style: CellStyle = {};
  const own = color(look.backgrounds[r]?.[c]);
  // An unfilled cell shows the alternating colour; a filled one keeps its own.
  const bg = own && own !== WHITE ? own : banded;
  if (bg && bg !== WHITE) style.bg = bg;
  const text = color(look.fontColors[r]?.[c]);
  if (text && text !== '#000000') style.color = text;
  if (look.weights[r]?.[c] === 'bold') style.bold = true;
  if (look.styles[r]?.[c] === 'italic') style.italic = true;
  if (look.lines[r]?.[c] === 'underline') style.underline = true;
  if (look.lines[r]?.[c] === 'line-through') style.strike = true;
  const font = look.families[r]?.[c];
  if (font && font !== 'Arial' && font.length <= FormatLimits.fontChars && !font.includes('\0')) style.font = font;
  const size = Math.round(Number(look.sizes[r]?.[c]));
  if (Number.isFinite(size) && size !== 10 && size >= 1 && size <= 400) style.size = size;
  const h = ALIGN[look.horizontal[r]?.[c] ?? ''];
  if (h) style.h = h;
  const v = look.vertical[r]?.[c];
  if (v === 'top' || v === 'middle') style.v = v;
  const wrap = look.wraps[r]?.[c];
  if (wrap === 'WRAP') style.wrap = 'wrap';
  if (wrap === 'CLIP') style.wrap = 'clip';
  return style;
}

/** `=HYPERLINK("url"…)` with a literal URL; a URL computed from cells is not followed. */
export function formulaLink(formula: string): string | null {
  const match = /^=\s*HYPERLINK\(\s*"((?:[^"]|"")+)"/i.exec(formula.trim());
  return match ? match[1]!.replace(/""/g, '"') : null;
}

function usableLink(url: string | null | undefined): url is string {
  return !!url && url.length <= FormatLimits.linkChars && !url.includes('\0');
}

/** Past the table's limit, further distinct styles show as the default (index 0). */
function withinStyleLimit(format: Pick<RangeFormat, 'styles' | 'cells'>): RangeFormat {
  if (format.styles.length <= FormatLimits.styles) return format;
  return { styles: format.styles.slice(0, FormatLimits.styles), cells: format.cells!.map((row) => row.map((i) => (i < FormatLimits.styles ? i : 0))) };
}

/** The range's format from what the getters returned; `rect` is the range on its sheet. */
export function buildFormat(look: RawLook, rect: Rect, hidden: HiddenLines): RangeFormat {
  const rows = rect.bottom - rect.top + 1;
  const columns = rect.right - rect.left + 1;
  const hiddenRows = new Set(hidden.rows);
  const hiddenColumns = new Set(hidden.columns);
  const bands = look.bandings.flatMap((band) => {
    const area = parseA1(band.area);
    return area ? [{ rect: area, band }] : [];
  });
  const table = new StyleTable();
  const cells: number[][] = [];
  const links: [number, number, string][] = [];
  const checks: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < columns; c++) {
      const hidden = hiddenRows.has(r) || hiddenColumns.has(c);
      // A hidden cell shows nothing of itself: no value, no style, no link, no checkbox.
      row.push(hidden ? 0 : table.indexOf(styleAt(look, r, c, bandColor(bands, rect.top + r, rect.left + c))));
      if (hidden) continue;
      const link = look.links[r]?.[c] ?? formulaLink(look.formulas[r]?.[c] ?? '');
      if (usableLink(link)) links.push([r, c, link]);
      if (look.checks[r]?.[c]) checks.push([r, c]);
    }
    cells.push(row);
  }
  const format: RangeFormat = withinStyleLimit(table.toFormat(cells));
  const merges = look.merges.flatMap((a1) => {
    const area = parseA1(a1);
    const part = area && intersect(area, rect);
    if (!part || (part.top === part.bottom && part.left === part.right)) return [];
    return [[part.top - rect.top, part.left - rect.left, part.bottom - part.top + 1, part.right - part.left + 1] as [number, number, number, number]];
  });
  if (merges.length > 0) format.merges = merges;
  format.widths = look.widths.map((w) => Math.max(0, Math.min(FormatLimits.size, Math.round(w))));
  const heights = look.heights.flatMap((h, r) => (h === DEFAULT_ROW_HEIGHT ? [] : [[r, Math.max(0, Math.min(FormatLimits.size, Math.round(h)))] as [number, number]]));
  if (heights.length > 0) format.heights = heights;
  const frozen = { rows: Math.max(0, Math.min(rows, look.frozen.rows - rect.top + 1)), columns: Math.max(0, Math.min(columns, look.frozen.columns - rect.left + 1)) };
  if (frozen.rows > 0 || frozen.columns > 0) format.frozen = frozen;
  if (hidden.rows.length + hidden.columns.length > 0) format.hidden = { rows: [...hidden.rows], columns: [...hidden.columns] };
  if (links.length > 0) format.links = links;
  if (checks.length > 0) format.checks = checks;
  return format;
}

/** A fingerprint of one range's format: equal only when nothing about its look changed. */
export function formatHash(format: RangeFormat): string {
  const text = JSON.stringify(format);
  return hash53(text, 3).toString(36) + '.' + hash53(text, 4).toString(36);
}
