// Where things on a sheet go when lines are inserted or deleted: named ranges, merges, bandings.
import type { Rect } from '../../protocol/a1.ts';

/** Where a rectangle goes when `count` lines are inserted before `at` (count > 0) or deleted from `at` on (count < 0). */
export function shiftRect(rect: Rect, axis: 'row' | 'column', at: number, count: number): Rect | null {
  const [lo, hi] = axis === 'row' ? (['top', 'bottom'] as const) : (['left', 'right'] as const);
  const r = { ...rect };
  if (count > 0) {
    if (r[lo] >= at) r[lo] += count;
    if (r[hi] >= at) r[hi] += count;
    return r;
  }
  const first = at;
  const last = at - count - 1;
  const before = (n: number) => Math.max(0, Math.min(n - 1, last) - first + 1);
  const removedInside = Math.max(0, Math.min(r[hi], last) - Math.max(r[lo], first) + 1);
  if (removedInside === r[hi] - r[lo] + 1) return null;
  const newLo = r[lo] - before(r[lo]);
  r[hi] = r[hi] - before(r[hi] + 1);
  r[lo] = newLo;
  return r;
}
