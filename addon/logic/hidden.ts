// Rows and columns hidden by a person or by a filter: their values never leave the sheet, as
// if they were outside the published ranges. They go out as empty cells, so every range keeps
// its shape.

import type { Rect } from '../../protocol/a1.ts';

/** Per sheet name, the hidden rows and columns (1-based) that lie inside its published ranges. */
export type Hidden = Record<string, { rows: number[]; columns: number[] }>;

export function maskHidden(hidden: Hidden, sheet: string, rect: Rect, values: string[][]): string[][] {
  const lines = hidden[sheet];
  if (!lines || (lines.rows.length === 0 && lines.columns.length === 0)) return values;
  const rows = new Set(lines.rows);
  const columns = new Set(lines.columns);
  return values.map((row, r) => (rows.has(rect.top + r) ? row.map(() => '') : row.map((value, c) => (columns.has(rect.left + c) ? '' : value))));
}

export function sameHidden(a: Hidden, b: Hidden): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The hidden lines of `sheet` inside `rect`, 0-based from its top-left cell (as a range's format lists them). */
export function hiddenWithin(hidden: Hidden, sheet: string, rect: Rect): { rows: number[]; columns: number[] } {
  const lines = hidden[sheet];
  return {
    rows: (lines?.rows ?? []).filter((r) => r >= rect.top && r <= rect.bottom).map((r) => r - rect.top),
    columns: (lines?.columns ?? []).filter((c) => c >= rect.left && c <= rect.right).map((c) => c - rect.left),
  };
}
