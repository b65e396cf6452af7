// What a live viewer shows: its snapshot with every delta applied, cell by cell.
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { LiveFrame, RangeValues } from '../../protocol/wire.ts';

/** `Sheet1!B2` → value, from the viewer's latest snapshot and the deltas after it. */
export function viewerCells(frames: readonly LiveFrame[]): Map<string, string> {
  const cells = new Map<string, string>();
  for (const frame of frames) {
    if (frame.type === 'snapshot') {
      cells.clear();
      for (const r of frame.ranges) eachCell(r, (key, value) => cells.set(key, value ?? ''));
    } else if (frame.type === 'delta') {
      for (const r of frame.changes) eachCell(r, (key, value) => value !== null && cells.set(key, value));
    }
  }
  return cells;
}

/** The same map for the values a sheet holds in the given ranges. */
export function gridCells(ranges: readonly RangeValues[]): Map<string, string> {
  const cells = new Map<string, string>();
  for (const r of ranges) eachCell(r, (key, value) => cells.set(key, value ?? ''));
  return cells;
}

function eachCell(r: { sheet: string; range: string; values: (string | null)[][] }, visit: (key: string, value: string | null) => void): void {
  const rect = parseA1(r.range)!;
  r.values.forEach((row, i) =>
    row.forEach((value, j) => {
      const at = { top: rect.top + i, bottom: rect.top + i, left: rect.left + j, right: rect.left + j };
      visit(`${r.sheet}!${formatA1(at)}`, value);
    }),
  );
}
