// A published range as rows: objects keyed by its first row, as the data API answers them and
// the client gives them. Rows and columns hidden in the sheet are left out, as the view leaves
// them out. Shared by the relay and the client.
import { columnLetters, parseA1 } from './a1.ts';
import type { SharedRange } from './wire.ts';

/** The cells that are shown: hidden rows and columns left out. */
export function visibleValues(range: SharedRange): string[][] {
  const hidden = range.format?.hidden;
  if (!hidden || (hidden.rows.length === 0 && hidden.columns.length === 0)) return range.values;
  const rows = new Set(hidden.rows);
  const columns = new Set(hidden.columns);
  return range.values.filter((_, r) => !rows.has(r)).map((line) => line.filter((_, c) => !columns.has(c)));
}

/**
 * Objects keyed by the first row. A header cell that is empty is named by its column letter;
 * a name used twice gets `_2`, `_3`… so no column is lost. Objects have no prototype: a header
 * named `__proto__` is a key like any other.
 */
export function rowsOf(range: SharedRange): Record<string, string>[] {
  const [header = [], ...body] = visibleValues(range);
  const left = parseA1(range.range)?.left ?? 1;
  const hiddenColumns = new Set(range.format?.hidden?.columns ?? []);
  const letters = (range.values[0] ?? []).map((_, c) => columnLetters(left + c)).filter((_, c) => !hiddenColumns.has(c));
  const used = new Set<string>();
  const keys = header.map((name, c) => {
    const base = name.trim() || letters[c]!;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    return key;
  });
  return body.map((line) => {
    const row: Record<string, string> = Object.create(null);
    keys.forEach((key, c) => (row[key] = line[c] ?? ''));
    return row;
  });
}
