// Formats of published ranges as they arrive: checked against their range's shape, kept only
// for ranges the doc publishes (a format, like a cell, never outlives its range), as JSON.
import { columns, formatA1, rows } from '../../protocol/a1.ts';
import type { PublishedRange, RangeFormat } from '../../protocol/wire.ts';
import { fail } from '../errors.ts';
import type { FormatWrite } from '../store/store.ts';
import { parseRange } from './cells.ts';

/** A format as a request carries it: beside a snapshot range's values, or in an edits request's `formats`. */
export interface IncomingFormat {
  sheet: string;
  range: string;
  format: RangeFormat;
  /** Where in the request, for error messages: `formats[2]`, `ranges[0]`. */
  field: string;
}

/**
 * Checks each format against its range (400 `invalid_format` naming the field) and keeps those
 * of published ranges. The range must be a published range exactly: a format is whole-range.
 */
export function clipFormats(incoming: IncomingFormat[], published: PublishedRange[]): FormatWrite[] {
  const writes = new Map<string, FormatWrite>();
  for (const f of incoming) {
    const rect = parseRange(f.range, `${f.field}.range`);
    checkFormat(f.format, rows(rect), columns(rect), `${f.field}.format`);
    const range = formatA1(rect);
    if (!published.some((r) => r.sheet === f.sheet && r.range === range)) continue;
    writes.set(`${range}!${f.sheet}`, { sheet: f.sheet, range, body: JSON.stringify(f.format) });
  }
  return [...writes.values()];
}

/** Every position inside a height × width range, every style index inside the table. */
export function checkFormat(format: RangeFormat, height: number, width: number, field: string): void {
  const bad = (where: string, what: string) => fail('invalid_format', `${field}.${where} ${what}`);
  const inside = (where: string, row: number, col: number) => {
    if (row >= height || col >= width) throw bad(where, `is outside the ${height}×${width} range`);
  };
  if (format.cells) {
    if (format.cells.length !== height || format.cells.some((line) => line.length !== width)) {
      throw bad('cells', `must be ${height} rows of ${width} style indexes`);
    }
    const styles = format.styles.length;
    format.cells.forEach((line, r) => {
      const c = line.findIndex((index) => index >= styles);
      if (c >= 0) throw bad(`cells[${r}][${c}]`, `refers to style ${line[c]}, but there are ${styles}`);
    });
  }
  format.merges?.forEach(([row, col, spanRows, spanColumns], i) => {
    if (spanRows < 1 || spanColumns < 1) throw bad(`merges[${i}]`, 'must span at least one row and one column');
    inside(`merges[${i}]`, row + spanRows - 1, col + spanColumns - 1);
  });
  if (format.widths && format.widths.length !== width) throw bad('widths', `must have ${width} entries, one per column`);
  format.heights?.forEach(([row], i) => inside(`heights[${i}]`, row, 0));
  if (format.frozen && (format.frozen.rows > height || format.frozen.columns > width)) throw bad('frozen', `is more than the range's ${height}×${width}`);
  format.hidden?.rows.forEach((row, i) => inside(`hidden.rows[${i}]`, row, 0));
  format.hidden?.columns.forEach((col, i) => inside(`hidden.columns[${i}]`, 0, col));
  format.links?.forEach(([row, col], i) => inside(`links[${i}]`, row, col));
  format.checks?.forEach(([row, col], i) => inside(`checks[${i}]`, row, col));
}
