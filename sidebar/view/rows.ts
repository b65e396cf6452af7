// Which rows of a tab the view shows, in which order, and which of them it renders: hidden rows
// left out, the search box's filter and a column's sort applied (both in the view only), long
// ranges windowed around the visible part, merged cells spanning only rows rendered together.
import type { SheetFormat } from '../live/format.ts';

export interface RowOrder {
  /** Rows of the range (0-based) in the order shown. */
  readonly rows: readonly number[];
  /** Rows kept on top, unsorted and unfiltered: the frozen rows (or the first row, as a header, when sorting or searching without frozen rows). */
  readonly pinned: number;
  /** Sorted or filtered: merged cells no longer span rows. */
  readonly reordered: boolean;
}

export interface OrderOptions {
  /** A column of the range (0-based) to sort by, or -1. */
  sortColumn: number;
  descending: boolean;
  /** Rows containing this text (case-insensitively) are shown; '' shows all. */
  query: string;
}

const NUMERIC = /^[-+(]?[$€£¥]?\s?[\d.,]+\s?%?\)?$/;

/** A sort value: the number a display value shows (12.5 for "$12.50"), else null. */
function numberOf(value: string): number | null {
  const text = value.trim();
  if (!NUMERIC.test(text)) return null;
  const n = Number(text.replace(/[^\d.-]/g, ''));
  if (Number.isNaN(n)) return null;
  return text.startsWith('(') || text.startsWith('-') ? -Math.abs(n) : n;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Numbers before text, numbers by value, text as people read it; empty cells last. */
export function compareValues(a: string, b: string): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== null && y !== null) return x - y;
  if (x !== null || y !== null) return x !== null ? -1 : 1;
  return collator.compare(a, b);
}

export function orderRows(values: readonly (readonly string[])[], format: SheetFormat, options: OrderOptions): RowOrder {
  const shown: number[] = [];
  for (let i = 0; i < values.length; i++) if (!format.hiddenRows.has(i)) shown.push(i);
  const query = options.query.trim().toLocaleLowerCase();
  const sorting = options.sortColumn >= 0;
  if (!sorting && !query) return { rows: shown, pinned: shown.filter((i) => i < format.frozenRows).length, reordered: false };
  const headerRows = format.frozenRows || 1;
  const head = shown.filter((i) => i < headerRows);
  let body = shown.filter((i) => i >= headerRows);
  if (query) {
    const visible = (row: readonly string[]) => row.filter((_, j) => !format.hiddenColumns.has(j));
    body = body.filter((i) => visible(values[i]!).some((v) => v.toLocaleLowerCase().includes(query)));
  }
  if (sorting) {
    const sign = options.descending ? -1 : 1;
    const column = options.sortColumn;
    // Empty cells stay last either way; equal values keep the sheet's order (the sort is stable).
    body.sort((a, b) => {
      const x = values[a]![column] ?? '';
      const y = values[b]![column] ?? '';
      return !x || !y ? compareValues(x, y) : sign * compareValues(x, y);
    });
  }
  return { rows: [...head, ...body], pinned: head.length, reordered: true };
}

/** The rows to render: `pinned` positions always (frozen rows stay on top), then positions [start, end). */
export interface RowWindow {
  start: number;
  end: number;
}

/**
 * Positions start..end around `first` (the first visible position), widened so that a merged
 * cell whose rows are partly in the window is rendered whole, anchor included.
 */
export function windowAround(order: RowOrder, format: SheetFormat, first: number, visible: number, overscan: number): RowWindow {
  const count = order.rows.length;
  let start = Math.min(Math.max(order.pinned, first - overscan), count);
  let end = Math.min(count, Math.max(start, first + visible + overscan));
  if (order.reordered || start >= end) return { start, end };
  // Not reordered: rows ascend with positions, so a row's position is found by bisection.
  const positionOf = (row: number) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order.rows[mid]! < row) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const top = order.rows[start]!;
  const bottom = order.rows[end - 1]!;
  // Merges anchored among the pinned rows are rendered with them.
  const lastPinned = order.pinned ? order.rows[order.pinned - 1]! : -1;
  for (const [row, , rows] of format.merges) {
    const last = row + rows - 1;
    if (last < top || row > bottom || row <= lastPinned) continue;
    start = Math.min(start, positionOf(row));
    end = Math.max(end, Math.min(count, positionOf(last + 1)));
  }
  return { start, end };
}

/** Pixels above each position: rows are as tall as the sheet says, or at least as the measured row. */
export function positionTops(order: RowOrder, format: SheetFormat, rowHeight: number): Float64Array {
  const tops = new Float64Array(order.rows.length + 1);
  order.rows.forEach((row, p) => {
    tops[p + 1] = tops[p]! + Math.max(format.heights.get(row) ?? 0, rowHeight);
  });
  return tops;
}

/** The last position whose top is at or above `y` (bisection over the tops). */
export function positionAt(tops: Float64Array, y: number): number {
  let lo = 0;
  let hi = Math.max(0, tops.length - 2);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tops[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The merged cells as rendered: the span of each anchor shown, and the cells its span covers. */
export interface RenderedSpans {
  span: Map<number, [number, number]>;
  covered: Set<number>;
}

/**
 * Spans over the rows actually rendered (`rendered`: the rows, in order, with null where a
 * spacer row stands): a merge spans only rows rendered next to each other and columns not
 * hidden; its other cells then show as empty cells. Keys are `row * width + col`.
 */
export function renderedSpans(format: SheetFormat, rendered: readonly (number | null)[], reordered: boolean): RenderedSpans {
  const span = new Map<number, [number, number]>();
  const covered = new Set<number>();
  if (!format.merges.length) return { span, covered };
  const at = new Map<number, number>();
  rendered.forEach((row, k) => row !== null && at.set(row, k));
  for (const [row, col, rows, cols] of format.merges) {
    const k = at.get(row);
    if (k === undefined || format.hiddenColumns.has(col)) continue;
    const spanned: number[] = [row];
    if (!reordered) {
      for (let next = rendered[k + 1]; next != null && next < row + rows; next = rendered[k + spanned.length]) spanned.push(next);
    }
    const columns: number[] = [];
    for (let j = col; j < col + cols; j++) if (!format.hiddenColumns.has(j)) columns.push(j);
    if (spanned.length * columns.length < 2) continue;
    span.set(row * format.width + col, [spanned.length, columns.length]);
    for (const r of spanned) for (const c of columns) if (r !== row || c !== col) covered.add(r * format.width + c);
  }
  return { span, covered };
}
