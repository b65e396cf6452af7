// What was last sent, as one 4-character fingerprint per published cell, and the repair it
// allows: values that differ from it were edited without an onEdit run (Apps Script drops
// events beyond 2 pending ones) and go out with the next batch.

import { cellCount, columns, contains, formatA1, rows, type Rect } from '../../protocol/a1.ts';
import type { RangeValues } from '../../protocol/wire.ts';
import { CELL_CODE_WIDTH, cellCode } from './hash.ts';
import { BASELINE_CELLS } from './limits.ts';

/** Fingerprints of one range, row-major; '' when the range keeps none. */
export type Baseline = string;

/** A run of rows of one range to compare; `top` is the 0-based row offset inside the range. */
export interface Block {
  range: number;
  top: number;
  rows: number;
}

/** Where the next comparison window starts when a doc is larger than the per-run budget. */
export interface Cursor {
  range: number;
  row: number;
}

/** Which ranges keep a baseline: the first ones, while their cells fit in BASELINE_CELLS. */
export function baselineCovered(rects: readonly Rect[], limit = BASELINE_CELLS): boolean[] {
  let total = 0;
  return rects.map((rect) => {
    total += cellCount(rect);
    return total <= limit;
  });
}

function splitCodes(baseline: Baseline): string[] {
  const codes: string[] = [];
  for (let i = 0; i < baseline.length; i += CELL_CODE_WIDTH) codes.push(baseline.slice(i, i + CELL_CODE_WIDTH));
  return codes;
}

export function codesOf(values: readonly (readonly string[])[]): Baseline {
  let codes = '';
  for (const row of values) for (const value of row) codes += cellCode(value);
  return codes;
}

/**
 * The blocks to compare this run: every covered range whole when they fit in the budget,
 * otherwise whole rows from the cursor on (at least one row), wrapping around.
 */
export function planWindow(
  rects: readonly Rect[],
  covered: readonly boolean[],
  cursor: Cursor,
  budget: number,
): { blocks: Block[]; next: Cursor; whole: boolean } {
  const indexes = rects.map((_, i) => i).filter((i) => covered[i]);
  const total = indexes.reduce((sum, i) => sum + cellCount(rects[i]!), 0);
  if (total <= budget) {
    return { blocks: indexes.map((i) => ({ range: i, top: 0, rows: rows(rects[i]!) })), next: { range: 0, row: 0 }, whole: true };
  }
  const blocks: Block[] = [];
  let position = indexes.indexOf(cursor.range) >= 0 && cursor.row < rows(rects[cursor.range]!) ? cursor : { range: indexes[0]!, row: 0 };
  let left = budget;
  while (left > 0) {
    const rect = rects[position.range]!;
    const width = columns(rect);
    const take = Math.min(rows(rect) - position.row, Math.max(1, Math.floor(left / width)));
    if (blocks.length > 0 && take * width > left) break;
    blocks.push({ range: position.range, top: position.row, rows: take });
    left -= take * width;
    const row = position.row + take;
    if (row < rows(rect)) position = { range: position.range, row };
    else position = { range: indexes[(indexes.indexOf(position.range) + 1) % indexes.length]!, row: 0 };
    if (position.range === blocks[0]!.range && position.row === blocks[0]!.top) break;
  }
  return { blocks, next: position, whole: false };
}

/**
 * Compares a block's current values with the baseline. Each row with differing cells outside
 * `skip` (cells the batch already carries) yields the span from its first to its last
 * differing cell; spans of consecutive rows with the same columns (a pasted block) make one
 * rectangle. The returned baseline has every differing cell updated.
 */
export function repairBlock(
  sheet: string,
  rect: Rect,
  baseline: Baseline,
  block: Block,
  values: readonly (readonly string[])[],
  skip: readonly Rect[],
): { edits: RangeValues[]; baseline: Baseline } {
  const width = columns(rect);
  const codes = baseline.length === cellCount(rect) * CELL_CODE_WIDTH ? splitCodes(baseline) : null;
  const spans: { rect: Rect; values: string[][] }[] = [];
  if (!codes) return { edits: [], baseline };
  for (let r = 0; r < block.rows; r++) {
    const row = values[r]!;
    const sheetRow = rect.top + block.top + r;
    let first = -1;
    let last = -1;
    for (let c = 0; c < width; c++) {
      const at = (block.top + r) * width + c;
      const code = cellCode(row[c]!);
      if (codes[at] === code) continue;
      codes[at] = code;
      if (skip.some((s) => contains(s, sheetRow, rect.left + c))) continue;
      if (first < 0) first = c;
      last = c;
    }
    if (first < 0) continue;
    const previous = spans.at(-1);
    const changed = row.slice(first, last + 1);
    if (previous && previous.rect.bottom === sheetRow - 1 && previous.rect.left === rect.left + first && previous.rect.right === rect.left + last) {
      previous.rect.bottom = sheetRow;
      previous.values.push(changed);
    } else {
      spans.push({ rect: { top: sheetRow, bottom: sheetRow, left: rect.left + first, right: rect.left + last }, values: [changed] });
    }
  }
  return { edits: spans.map((s) => ({ sheet, range: formatA1(s.rect), values: s.values })), baseline: codes.join('') };
}

/** Records that `values` of the sub-rectangle `part` of a range were sent. */
export function recordSent(rect: Rect, baseline: Baseline, part: Rect, values: readonly (readonly string[])[]): Baseline {
  if (baseline.length !== cellCount(rect) * CELL_CODE_WIDTH) return baseline;
  const width = columns(rect);
  const codes = splitCodes(baseline);
  for (let r = part.top; r <= part.bottom; r++) {
    for (let c = part.left; c <= part.right; c++) {
      if (!contains(rect, r, c)) continue;
      codes[(r - rect.top) * width + (c - rect.left)] = cellCode(values[r - part.top]![c - part.left]!);
    }
  }
  return codes.join('');
}
