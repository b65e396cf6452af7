import { describe, expect, it } from 'vitest';
import { columnLetters, columnNumber, formatA1, intersect, parseA1 } from '../protocol/a1.ts';
import { checkGrids, clip, describeChanges, toAreas } from '../relay/cells/cells.ts';
import { HttpError } from '../relay/errors.ts';

describe('A1 ranges', () => {
  it('reads bounded ranges in any corner order and case, and writes them canonically', () => {
    expect(parseA1('B2:C3')).toEqual({ top: 2, left: 2, bottom: 3, right: 3 });
    expect(parseA1('c3:b2')).toEqual({ top: 2, left: 2, bottom: 3, right: 3 });
    expect(parseA1('A1')).toEqual({ top: 1, left: 1, bottom: 1, right: 1 });
    expect(formatA1(parseA1('c3:b2')!)).toBe('B2:C3');
    expect(formatA1(parseA1('ZZZ10000000')!)).toBe('ZZZ10000000');
  });

  it('refuses unbounded, sheet-qualified and out-of-grid ranges', () => {
    for (const bad of ['A:A', '1:1', 'A1:B', 'Sheet1!A1', 'A0', 'AAAA1', 'A10000001', 'A1:B2:C3', '', ' A1']) {
      expect(parseA1(bad), bad).toBeNull();
    }
  });

  it('converts column letters both ways', () => {
    for (const [n, letters] of [[1, 'A'], [26, 'Z'], [27, 'AA'], [52, 'AZ'], [702, 'ZZ'], [703, 'AAA'], [18_278, 'ZZZ']] as const) {
      expect(columnLetters(n)).toBe(letters);
      expect(columnNumber(letters)).toBe(n);
    }
  });

  it('intersects rectangles', () => {
    expect(intersect(parseA1('A1:C3')!, parseA1('B2:D4')!)).toEqual(parseA1('B2:C3'));
    expect(intersect(parseA1('A1:A2')!, parseA1('B1:B2')!)).toBeNull();
  });
});

describe('clipping and describing changes', () => {
  const published = toAreas([{ sheet: 'S', range: 'B2:C3' }]);

  it('keeps the inside of a grid crossing a range edge and counts every incoming cell', () => {
    const grids = [{ sheet: 'S', range: 'A1:C3', values: [['a1', 'b1', 'c1'], ['a2', 'b2', 'c2'], ['a3', 'b3', 'c3']] }];
    const batch = clip(grids, checkGrids(grids, 'edits'), published);
    expect(batch.incoming).toBe(9);
    expect(batch.writes.map((w) => w.value).sort()).toEqual(['b2', 'b3', 'c2', 'c3']);
    expect(batch.areas).toEqual([{ sheet: 'S', rect: parseA1('B2:C3') }]);
  });

  it('writes a cell once when two grids of a batch cover it, the later one winning', () => {
    const grids = [{ sheet: 'S', range: 'B2', values: [['first']] }, { sheet: 'S', range: 'B2:C2', values: [['second', 'x']] }];
    const batch = clip(grids, checkGrids(grids, 'edits'), published);
    expect(batch.writes.filter((w) => w.row === 2 && w.col === 2).map((w) => w.value)).toEqual(['second']);
    expect(batch.incoming).toBe(3);
  });

  it('ignores grids on other tabs', () => {
    const grids = [{ sheet: 'Other', range: 'B2', values: [['x']] }];
    expect(clip(grids, checkGrids(grids, 'edits'), published).writes).toEqual([]);
  });

  it('refuses a grid whose shape differs from its range with a 400', () => {
    const bad = [{ sheet: 'S', range: 'A1:B2', values: [['x', 'y'], ['z']] }];
    expect(() => checkGrids(bad, 'edits')).toThrow(HttpError);
    expect(() => checkGrids(bad, 'edits')).toThrow(/edits\[0\]\.values must be 2 rows of 2 cells/);
  });

  it('describes changes as the smallest rectangle per area, null where nothing changed', () => {
    const areas = toAreas([{ sheet: 'S', range: 'A1:D4' }]);
    const changed = [
      { sheet: 'S', row: 2, col: 2, value: 'x' },
      { sheet: 'S', row: 3, col: 4, value: 'y' },
    ];
    expect(describeChanges(areas, changed)).toEqual([{ sheet: 'S', range: 'B2:D3', values: [['x', null, null], [null, null, 'y']] }]);
    expect(describeChanges(areas, [])).toEqual([]);
  });
});
