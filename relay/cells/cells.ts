// Cells and published ranges: validating incoming grids, clipping them to what a doc publishes,
// and describing what changed as the live protocol's change rectangles.
import { cellCount, columns, formatA1, intersect, parseA1, rows, type Rect } from '../../protocol/a1.ts';
import type { PublishedRange, RangeChanges, RangeValues } from '../../protocol/wire.ts';
import { fail } from '../errors.ts';

export interface Area {
  sheet: string;
  rect: Rect;
}

export interface CellWrite {
  sheet: string;
  row: number;
  col: number;
  value: string;
}

/** A batch clipped to a doc's published ranges. */
export interface ClippedBatch {
  /** One write per cell inside the published ranges (a cell written twice keeps the last). */
  writes: CellWrite[];
  /**
   * Where those writes fall: one area per incoming grid, around its parts inside the published
   * ranges. One, however many ranges overlap there, so a delta is never larger than its request.
   */
  areas: Area[];
  /** Cells in the request: whatever is not applied of them is counted as dropped. */
  incoming: number;
}

const ROW_STRIDE = 20_000; // > MAX_COLUMN, so row * stride + col is unique and exact
export const cellKey = (row: number, col: number) => row * ROW_STRIDE + col;

export function parseRange(range: string, where: string): Rect {
  const rect = parseA1(range);
  if (!rect) throw fail('invalid_range', `${where}: "${range}" is not a bounded A1 range like B2:C3`);
  return rect;
}

/** Parses published ranges; throws 400 on a malformed one. */
export function toAreas(ranges: PublishedRange[]): Area[] {
  return ranges.map((r, i) => ({ sheet: r.sheet, rect: parseRange(r.range, `ranges[${i}]`) }));
}

export function publishedCellCount(areas: Area[]): number {
  return areas.reduce((n, a) => n + cellCount(a.rect), 0);
}

/**
 * Clips an already-clipped batch again to `ranges`, for a batch that was clipped under ranges
 * that changed before it was stored: nothing outside the current ranges is ever written.
 */
export function reclip<T extends { writes: CellWrite[]; areas: Area[] }>(batch: T, ranges: PublishedRange[]): T {
  const current = toAreas(ranges);
  const inside = (w: CellWrite) =>
    current.some((a) => a.sheet === w.sheet && w.row >= a.rect.top && w.row <= a.rect.bottom && w.col >= a.rect.left && w.col <= a.rect.right);
  const areas = batch.areas.flatMap((area) => {
    const rect = cover(current.map((a) => (a.sheet === area.sheet ? intersect(area.rect, a.rect) : null)));
    return rect ? [{ sheet: area.sheet, rect }] : [];
  });
  return { ...batch, writes: batch.writes.filter(inside), areas };
}

export interface RangeMove {
  from: Area;
  to: Area;
}

/**
 * How the cells of a doc move when its ranges change, so viewers keep seeing the right values
 * before the add-on's snapshot arrives. Ranges are matched by identity, never by list position:
 * a range still published as it was stays; of the others, an old and a new range of the same
 * shape on the same tab (rows or columns inserted before it) or at the same place on another tab
 * (the tab renamed) are one range moved, when nothing else could be its match. A range that
 * changed shape, or could be more than one, cannot be followed cell by cell: its cells stay.
 */
export function rangeMoves(before: PublishedRange[], after: PublishedRange[]): RangeMove[] {
  const same = (a: Area, b: Area) => a.sheet === b.sheet && a.rect.top === b.rect.top && a.rect.left === b.rect.left && rows(a.rect) === rows(b.rect) && columns(a.rect) === columns(b.rect);
  const [old, current] = [toAreas(before), toAreas(after)];
  const gone = old.filter((a) => !current.some((b) => same(a, b)));
  const added = current.filter((b) => !old.some((a) => same(a, b)));
  const follows = (a: Area, b: Area) =>
    rows(a.rect) === rows(b.rect) && columns(a.rect) === columns(b.rect) && (a.sheet === b.sheet || (a.rect.top === b.rect.top && a.rect.left === b.rect.left));
  const moves: RangeMove[] = [];
  for (const from of gone) {
    const candidates = added.filter((to) => follows(from, to));
    const to = candidates[0];
    if (candidates.length === 1 && gone.filter((other) => follows(other, to!)).length === 1) moves.push({ from, to: to! });
  }
  return moves;
}

/** Checks every grid's shape equals its range and returns the parsed rectangles, or throws 400. */
export function checkGrids(grids: RangeValues[], field: string): Rect[] {
  return grids.map((g, i) => {
    const rect = parseRange(g.range, `${field}[${i}].range`);
    const width = columns(rect);
    if (g.values.length !== rows(rect) || g.values.some((row) => row.length !== width)) {
      throw fail(
        'shape_mismatch',
        `${field}[${i}].values must be ${rows(rect)} rows of ${width} cells to match ${g.range}`,
      );
    }
    return rect;
  });
}

export function countCells(rects: Rect[]): number {
  return rects.reduce((n, r) => n + cellCount(r), 0);
}

/** Keeps the cells of `grids` that fall inside `published`; counts the rest. */
export function clip(grids: RangeValues[], rects: Rect[], published: Area[]): ClippedBatch {
  const bySheet = new Map<string, Map<number, CellWrite>>();
  const areas: Area[] = [];
  let total = 0;
  grids.forEach((grid, i) => {
    const rect = rects[i]!;
    total += cellCount(rect);
    const parts = published.flatMap((target) => (target.sheet === grid.sheet ? [intersect(rect, target.rect)] : []));
    const area = cover(parts);
    if (!area) return;
    areas.push({ sheet: grid.sheet, rect: area });
    let cells = bySheet.get(grid.sheet);
    if (!cells) bySheet.set(grid.sheet, (cells = new Map()));
    for (const inside of parts) {
      if (!inside) continue;
      for (let row = inside.top; row <= inside.bottom; row++) {
        const line = grid.values[row - rect.top]!;
        for (let col = inside.left; col <= inside.right; col++) {
          cells.set(cellKey(row, col), { sheet: grid.sheet, row, col, value: line[col - rect.left]! });
        }
      }
    }
  });
  const writes = [...bySheet.values()].flatMap((cells) => [...cells.values()]);
  return { writes, areas, incoming: total };
}

/**
 * Describes `changed` cells as change rectangles over `areas`: for each area that holds a
 * changed cell, the smallest rectangle around its changed cells, `null` where a cell did not
 * change. An area's rectangle never exceeds the incoming grid, so a delta is never larger
 * than the request that caused it.
 */
export function describeChanges(areas: Area[], changed: CellWrite[]): RangeChanges[] {
  const bySheet = new Map<string, Map<number, string>>();
  for (const c of changed) {
    let cells = bySheet.get(c.sheet);
    if (!cells) bySheet.set(c.sheet, (cells = new Map()));
    cells.set(cellKey(c.row, c.col), c.value);
  }
  const out: RangeChanges[] = [];
  for (const area of areas) {
    const cells = bySheet.get(area.sheet);
    if (!cells) continue;
    const box = boundingBox(area.rect, cells);
    if (!box) continue;
    const values: (string | null)[][] = [];
    for (let row = box.top; row <= box.bottom; row++) {
      const line: (string | null)[] = [];
      for (let col = box.left; col <= box.right; col++) line.push(cells.get(cellKey(row, col)) ?? null);
      values.push(line);
    }
    out.push({ sheet: area.sheet, range: formatA1(box), values });
  }
  return out;
}

function boundingBox(rect: Rect, cells: Map<number, string>): Rect | null {
  let box: Rect | null = null;
  // Walk whichever is smaller: the area's cells or the changed cells.
  if (cells.size < cellCount(rect)) {
    for (const key of cells.keys()) {
      const row = Math.floor(key / ROW_STRIDE);
      const col = key % ROW_STRIDE;
      if (row < rect.top || row > rect.bottom || col < rect.left || col > rect.right) continue;
      box = grow(box, row, col);
    }
  } else {
    for (let row = rect.top; row <= rect.bottom; row++) {
      for (let col = rect.left; col <= rect.right; col++) if (cells.has(cellKey(row, col))) box = grow(box, row, col);
    }
  }
  return box;
}

/** The smallest rectangle around every given one, or null when there is none. */
function cover(rects: (Rect | null)[]): Rect | null {
  let box: Rect | null = null;
  for (const r of rects) if (r) box = box ? grow(grow(box, r.top, r.left), r.bottom, r.right) : { ...r };
  return box;
}

function grow(box: Rect | null, row: number, col: number): Rect {
  if (!box) return { top: row, left: col, bottom: row, right: col };
  return {
    top: Math.min(box.top, row),
    left: Math.min(box.left, col),
    bottom: Math.max(box.bottom, row),
    right: Math.max(box.right, col),
  };
}
