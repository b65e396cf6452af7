// Bounded A1 notation (`B2:C3`, `A1`) and rectangle arithmetic, shared by the relay, the
// add-on and the view. Rows and columns are 1-based and inclusive, as in Sheets.

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Google Sheets' own bounds: columns A..ZZZ, and at most 10 million cells in a spreadsheet. */
export const MAX_COLUMN = 18_278;
export const MAX_ROW = 10_000_000;

const CELL = /^([A-Za-z]{1,3})([1-9][0-9]{0,7})$/;

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function columnLetters(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function parseCell(text: string): { row: number; col: number } | null {
  const m = CELL.exec(text);
  if (!m) return null;
  const col = columnNumber(m[1]!);
  const row = Number(m[2]);
  return col <= MAX_COLUMN && row <= MAX_ROW ? { row, col } : null;
}

/** Parses a bounded A1 range; corners may come in any order. Null when it is not one. */
export function parseA1(range: string): Rect | null {
  const parts = range.split(':');
  if (parts.length > 2) return null;
  const a = parseCell(parts[0]!);
  const b = parts.length === 2 ? parseCell(parts[1]!) : a;
  if (!a || !b) return null;
  return {
    top: Math.min(a.row, b.row),
    left: Math.min(a.col, b.col),
    bottom: Math.max(a.row, b.row),
    right: Math.max(a.col, b.col),
  };
}

export function formatA1(r: Rect): string {
  const first = columnLetters(r.left) + r.top;
  return r.top === r.bottom && r.left === r.right ? first : `${first}:${columnLetters(r.right)}${r.bottom}`;
}

export function intersect(a: Rect, b: Rect): Rect | null {
  const top = Math.max(a.top, b.top);
  const left = Math.max(a.left, b.left);
  const bottom = Math.min(a.bottom, b.bottom);
  const right = Math.min(a.right, b.right);
  return top <= bottom && left <= right ? { top, left, bottom, right } : null;
}

export function rows(r: Rect): number {
  return r.bottom - r.top + 1;
}

export function columns(r: Rect): number {
  return r.right - r.left + 1;
}

export function cellCount(r: Rect): number {
  return rows(r) * columns(r);
}

export function contains(r: Rect, row: number, col: number): boolean {
  return row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;
}
