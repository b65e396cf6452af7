// A published range as developers read it: rows as objects keyed by the range's first row
// (`protocol/rows.ts`, shared with the client), or RFC 4180 CSV.
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import { visibleValues } from '../../protocol/rows.ts';
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

export { rowsOf as toRows } from '../../protocol/rows.ts';

/** RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. */
export function toCsv(range: SharedRange): string {
  const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return visibleValues(range).map((line) => line.map(field).join(',')).join('\r\n') + '\r\n';
}
