// The view's pure parts: a range's format read into lookups, links judged safe or not, the
// rows shown (hidden, filtered, sorted), the window of a long range and merged cells' spans.
import { describe, expect, it } from 'vitest';
import type { RangeFormat } from '../protocol/wire.ts';
import { readFormat, safeLink } from '../sidebar/live/format.ts';
import { fontStack, styleDeclarations } from '../sidebar/view/cell-style.ts';
import { resolveModes, switchAttribute } from '../sidebar/view/modes.ts';
import { compareValues, orderRows, positionAt, positionTops, renderedSpans, windowAround } from '../sidebar/view/rows.ts';

const NO_ORDER = { sortColumn: -1, descending: false, query: '' };
const column = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => [f(i), String(i)]);

describe('a range format as the view reads it', () => {
  it('clips merges to the range and marks the cells they cover', () => {
    const format = readFormat({ styles: [], merges: [[0, 0, 2, 3], [3, 1, 5, 5], [9, 9, 2, 2]] }, 5, 3);
    expect(format.merges).toEqual([[0, 0, 2, 3], [3, 1, 2, 2]]);
    expect(format.spanAt(0, 0)).toEqual([2, 3]);
    expect(format.covered(1, 2)).toBe(true);
    expect(format.covered(2, 0)).toBe(false);
  });

  it('looks up styles by index and gives unknown indexes the default style', () => {
    const format = readFormat({ styles: [{ bold: true }], cells: [[0, 7]] }, 1, 2);
    expect(format.styleAt(0, 0)).toEqual({ bold: true });
    expect(format.styleAt(0, 1)).toBeUndefined();
  });

  it('makes only http, https and mailto links followable', () => {
    expect(safeLink('https://example.com/a?b')).toBe('https://example.com/a?b');
    expect(safeLink('mailto:ana@example.com')).toBe('mailto:ana@example.com');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x', '/relative', 'vbscript:x', 'ftp://x']) {
      expect(safeLink(bad)).toBeUndefined();
    }
  });

  it('maps a font family to a web-safe stack that cannot break out of the CSS value', () => {
    expect(fontStack('Georgia')).toBe("'Georgia', 'Times New Roman', Times, serif");
    expect(fontStack('Roboto Mono')).toContain('monospace');
    expect(fontStack("x'; background: url(y)")).toBe("'x background urly', Arial, Helvetica, sans-serif");
  });

  it('keeps the sheet default for the other colour when a style sets one', () => {
    expect(styleDeclarations({ bg: '#fff2cc' })).toMatchObject({ 'background-color': '#fff2cc', color: '#000000' });
    expect(styleDeclarations({ color: '#1155cc' })).toMatchObject({ 'background-color': '#ffffff', color: '#1155cc' });
    expect(styleDeclarations({ bold: true })).not.toHaveProperty('color');
  });
});

describe('the rows the view shows', () => {
  it('leaves hidden rows out', () => {
    const format = readFormat({ styles: [], hidden: { rows: [1, 3], columns: [] } }, 5, 2);
    expect(orderRows(column(5, String), format, NO_ORDER).rows).toEqual([0, 2, 4]);
  });

  it('sorts numbers by value below the header row, keeping empty cells last', () => {
    const values = [['Team', 'Points'], ['a', '10'], ['b', ''], ['c', '9'], ['d', '$1,200.50'], ['e', '(3)']];
    const format = readFormat(undefined, values.length, 2);
    const up = orderRows(values, format, { sortColumn: 1, descending: false, query: '' });
    expect(up.rows).toEqual([0, 5, 3, 1, 4, 2]);
    const down = orderRows(values, format, { sortColumn: 1, descending: true, query: '' });
    expect(down.rows).toEqual([0, 4, 1, 3, 5, 2]);
    expect(compareValues('item 2', 'item 10')).toBeLessThan(0);
  });

  it('filters by the search text, case-insensitively, keeping the frozen rows', () => {
    const values = [['Title', ''], ['Team', 'City'], ['Otters', 'Leeds'], ['Foxes', 'York'], ['Lynxes', 'leeds']];
    const format = readFormat({ styles: [], frozen: { rows: 2, columns: 0 } }, values.length, 2);
    const order = orderRows(values, format, { ...NO_ORDER, query: 'LEEDS' });
    expect(order).toEqual({ rows: [0, 1, 2, 4], pinned: 2, reordered: true });
  });

  it('widens a window so that a merge it cuts is rendered whole, anchor included', () => {
    const format = readFormat({ styles: [], merges: [[95, 0, 10, 1]] }, 1000, 1);
    const order = orderRows(column(1000, String), format, NO_ORDER);
    expect(windowAround(order, format, 200, 30, 40)).toEqual({ start: 160, end: 270 });
    expect(windowAround(order, format, 140, 30, 40)).toEqual({ start: 95, end: 210 });
    expect(windowAround(order, format, 40, 20, 40)).toEqual({ start: 0, end: 105 });
  });

  it('maps a scroll offset to a position through rows of different heights', () => {
    const format = readFormat({ styles: [], heights: [[1, 100]] }, 4, 1);
    const tops = positionTops(orderRows(column(4, String), format, NO_ORDER), format, 20);
    expect([...tops]).toEqual([0, 20, 120, 140, 160]);
    expect([positionAt(tops, 0), positionAt(tops, 119), positionAt(tops, 120), positionAt(tops, 500)]).toEqual([0, 1, 2, 3]);
  });

  it('spans a merge over the rows rendered together and the columns not hidden', () => {
    const raw: RangeFormat = { styles: [], merges: [[0, 0, 4, 3]], hidden: { rows: [1], columns: [1] } };
    const format = readFormat(raw, 6, 3);
    const spans = renderedSpans(format, [0, 2, null, 5], false);
    expect(spans.span.get(0)).toEqual([2, 2]);
    expect([...spans.covered].sort()).toEqual([2, 6, 8]);
    // Sorted or filtered rows are not neighbours any more: only the anchor's row is spanned.
    expect(renderedSpans(format, [0, 2, 3], true).span.get(0)).toEqual([1, 2]);
  });
});

describe('view modes', () => {
  it('take the attribute over the publisher setting over the default', () => {
    expect(resolveModes({}, {})).toEqual({ chrome: true, sort: true, search: false, board: false, theme: 'auto' });
    expect(resolveModes({ chrome: false, theme: 'dark' }, { theme: 'light' })).toMatchObject({ chrome: false, theme: 'light' });
    expect(['', 'on', 'off', 'nonsense', null].map((v) => switchAttribute.fromAttribute(v))).toEqual([true, true, false, undefined, undefined]);
  });
});
