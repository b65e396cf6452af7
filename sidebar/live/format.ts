// A range's format (protocol/format.ts) read once into the lookups the view renders from: the
// style, span, link and checkbox of a cell in constant time, the hidden and frozen lines.
import type { CellStyle, RangeFormat } from '../../protocol/wire.ts';

export interface SheetFormat {
  readonly styles: readonly CellStyle[];
  /** Rows and columns of the range, 0-based. */
  readonly height: number;
  readonly width: number;
  /** Frozen rows and columns, counted among the range's first ones. */
  readonly frozenRows: number;
  readonly frozenColumns: number;
  readonly hiddenRows: ReadonlySet<number>;
  readonly hiddenColumns: ReadonlySet<number>;
  /** Pixels per column; undefined where the sheet's width is unknown. */
  readonly widths: readonly (number | undefined)[];
  /** Pixels of the rows whose height is not the sheet's default. */
  readonly heights: ReadonlyMap<number, number>;
  /** Merges as `[row, col, rows, cols]`, clipped to the range, each at least two cells. */
  readonly merges: readonly (readonly [number, number, number, number])[];
  styleAt(row: number, col: number): CellStyle | undefined;
  /** The anchor of a merge at (row, col): its span, else undefined. */
  spanAt(row: number, col: number): readonly [number, number] | undefined;
  /** True for a cell inside a merge other than its anchor. */
  covered(row: number, col: number): boolean;
  linkAt(row: number, col: number): string | undefined;
  checkAt(row: number, col: number): boolean;
}

const NONE: ReadonlySet<number> = new Set();

/** The lookups of `format` for a range of `height` × `width` cells; absent or empty: plain cells. */
export function readFormat(format: RangeFormat | undefined, height: number, width: number): SheetFormat {
  const key = (row: number, col: number) => row * width + col;
  const inside = (row: number, col: number) => row >= 0 && col >= 0 && row < height && col < width;
  const styles = format?.styles ?? [];
  const cells = format?.cells;
  const spans = new Map<number, readonly [number, number]>();
  const covered = new Set<number>();
  const merges: [number, number, number, number][] = [];
  for (const [row, col, rows, cols] of format?.merges ?? []) {
    if (!inside(row, col)) continue;
    const r = Math.min(rows, height - row);
    const c = Math.min(cols, width - col);
    // A merge overlapping one already read is ignored: a cell belongs to one merge at most.
    if (r * c < 2 || spans.has(key(row, col)) || covered.has(key(row, col))) continue;
    merges.push([row, col, r, c]);
    spans.set(key(row, col), [r, c]);
    for (let i = row; i < row + r; i++) for (let j = col; j < col + c; j++) if (i !== row || j !== col) covered.add(key(i, j));
  }
  const links = new Map<number, string>();
  for (const [row, col, url] of format?.links ?? []) if (inside(row, col)) links.set(key(row, col), url);
  const checks = new Set<number>();
  for (const [row, col] of format?.checks ?? []) if (inside(row, col)) checks.add(key(row, col));
  const within = (lines: number[] | undefined, count: number) => (lines?.length ? new Set(lines.filter((n) => n < count)) : NONE);
  return {
    styles,
    height,
    width,
    frozenRows: Math.min(format?.frozen?.rows ?? 0, height),
    frozenColumns: Math.min(format?.frozen?.columns ?? 0, width),
    hiddenRows: within(format?.hidden?.rows, height),
    hiddenColumns: within(format?.hidden?.columns, width),
    widths: Array.from({ length: width }, (_, j) => format?.widths?.[j]),
    heights: new Map((format?.heights ?? []).filter(([row]) => row < height)),
    merges,
    styleAt: (row, col) => styles[cells?.[row]?.[col] ?? -1],
    spanAt: (row, col) => spans.get(key(row, col)),
    covered: (row, col) => covered.has(key(row, col)),
    linkAt: (row, col) => links.get(key(row, col)),
    checkAt: (row, col) => checks.has(key(row, col)),
  };
}

/** The link a viewer may follow: only http, https and mailto; anything else (javascript:, data:, relative) is none. */
export function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
