// A published range as developers read it: rows as objects keyed by the range's first row, or
// RFC 4180 CSV. Rows and columns hidden in the sheet are left out, as the view leaves them out.
import { columnLetters, formatA1, parseA1 } from '../../protocol/a1.ts';
import type { SharedRange } from '../../protocol/wire.ts';
import { fail } from '../errors.ts';

/** `Sheet1!A1:C3`, or a sheet's name for its first published range; absent: the first range. */
export function pickRange(ranges: SharedRange[], wanted: string | undefined): SharedRange {
  const names = ranges.map((r) => `${r.sheet}!${r.range}`).join(', ');
  if (wanted === undefined) {
    if (ranges.length === 0) throw fail('not_found', 'this share publishes no range');
    return ranges[0]!;
  }
  const bang = wanted.lastIndexOf('!');
  const sheet = bang < 0 ? wanted : wanted.slice(0, bang).replace(/^'(.*)'$/, (_, name: string) => name.replace(/''/g, "'"));
  const rect = bang < 0 ? null : parseA1(wanted.slice(bang + 1));
  const found = ranges.find((r) => r.sheet === sheet && (bang < 0 || (rect !== null && r.range === formatA1(rect))));
  if (!found) throw fail('invalid_range', `"${wanted}" is not one of this share's published ranges (${names})`);
  return found;
}

/** The cells that are shown: hidden rows and columns left out. */
function visible(range: SharedRange): string[][] {
  const hidden = range.format?.hidden;
  if (!hidden || (hidden.rows.length === 0 && hidden.columns.length === 0)) return range.values;
  const rows = new Set(hidden.rows);
  const columns = new Set(hidden.columns);
  return range.values.filter((_, r) => !rows.has(r)).map((line) => line.filter((_, c) => !columns.has(c)));
}

/**
 * Objects keyed by the first row. A header cell that is empty is named by its column letter;
 * a name used twice gets `_2`, `_3`… so no value is lost.
 */
export function toRows(range: SharedRange): Record<string, string>[] {
  const [header = [], ...body] = visible(range);
  const left = parseA1(range.range)!.left;
  const hiddenColumns = new Set(range.format?.hidden?.columns ?? []);
  const letters = range.values[0]?.map((_, c) => columnLetters(left + c)).filter((_, c) => !hiddenColumns.has(c)) ?? [];
  const used = new Set<string>();
  const keys = header.map((name, c) => {
    const base = name.trim() || letters[c]!;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    return key;
  });
  // Object.create(null): a header named `__proto__` is a key like any other.
  return body.map((line) => {
    const row: Record<string, string> = Object.create(null);
    keys.forEach((key, c) => (row[key] = line[c] ?? ''));
    return row;
  });
}

/** RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. */
export function toCsv(range: SharedRange): string {
  const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return visible(range).map((line) => line.map(field).join(',')).join('\r\n') + '\r\n';
}
