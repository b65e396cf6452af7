// The add-on's pure logic for formats and the bounded state: no Apps Script, no fakes.
import { describe, expect, it } from 'vitest';
import { parseA1 } from '../protocol/a1.ts';
import { FormatLimits } from '../protocol/wire.ts';
import { encodeBounded, partSizes } from '../addon/logic/budget.ts';
import { buildFormat, formatHash, formulaLink, type RawLook } from '../addon/logic/format.ts';
import { PART_BUDGETS, STORE_BUDGET_BYTES } from '../addon/logic/limits.ts';
import { decodeState, emptyState, type SyncState } from '../addon/logic/state.ts';
import { publishedState } from './helpers/addon-state.ts';

const rect = (a1: string) => parseA1(a1)!;
const fill = <T>(rows: number, cols: number, value: T | ((r: number, c: number) => T)): T[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (typeof value === 'function' ? (value as (r: number, c: number) => T)(r, c) : value)));

/** What the getters return for an untouched rows × cols range on a new sheet. */
function plain(rows: number, cols: number): RawLook {
  return {
    backgrounds: fill(rows, cols, '#ffffff'),
    fontColors: fill(rows, cols, '#000000'),
    weights: fill(rows, cols, 'normal'),
    styles: fill(rows, cols, 'normal'),
    lines: fill(rows, cols, 'none'),
    families: fill(rows, cols, 'Arial'),
    sizes: fill(rows, cols, 10),
    horizontal: fill(rows, cols, 'general'),
    vertical: fill(rows, cols, 'bottom'),
    wraps: fill(rows, cols, 'OVERFLOW'),
    formulas: fill(rows, cols, ''),
    links: fill<string | null>(rows, cols, null),
    checks: fill(rows, cols, false),
    merges: [],
    bandings: [],
    widths: Array.from({ length: cols }, () => 100),
    heights: Array.from({ length: rows }, () => 21),
    frozen: { rows: 0, columns: 0 },
  };
}

const none = { rows: [], columns: [] };

describe("a range's format from what the getters returned", () => {
  it('leaves out every default: an untouched range is an empty style table and its widths', () => {
    expect(buildFormat(plain(2, 3), rect('B2:D3'), none)).toEqual({ styles: [], widths: [100, 100, 100] });
  });

  it('keeps one style per distinct look, with an index per cell', () => {
    const look = plain(2, 2);
    look.weights[0] = ['bold', 'bold'];
    look.backgrounds[0] = ['#FF0000', '#ff0000'];
    look.horizontal[1] = ['general-right', 'center'];
    const format = buildFormat(look, rect('A1:B2'), none);
    expect(format.styles).toEqual([{}, { bg: '#ff0000', bold: true }, { h: 'right' }, { h: 'center' }]);
    expect(format.cells).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it('resolves alternating colours into backgrounds, under a cell that has its own fill', () => {
    const look = plain(4, 1);
    look.bandings = [{ area: 'A1:A10', axis: 'rows', header: '#bdbdbd', first: '#ffffff', second: '#eeeeee', footer: null }];
    look.backgrounds[3]![0] = '#00ff00';
    const format = buildFormat(look, rect('A1:A4'), none);
    expect(format.cells!.map((row) => format.styles[row[0]!])).toEqual([{ bg: '#bdbdbd' }, {}, { bg: '#eeeeee' }, { bg: '#00ff00' }]);
  });

  it('clips merges and frozen lines to the range, lists heights that differ, and drops styles, links and checkboxes of hidden lines', () => {
    const look = plain(3, 3);
    look.merges = ['A1:C1', 'C3:E4', 'Z9'];
    look.frozen = { rows: 2, columns: 1 };
    look.heights[2] = 40;
    look.links[1]![0] = 'https://hidden.example.com/';
    look.formulas[0]![2] = '=HYPERLINK("https://shown.example.com/?q=""x""", "x")';
    look.checks[2]![1] = true;
    look.checks[0]![1] = true;
    look.weights[1] = ['bold', 'bold', 'bold'];
    const format = buildFormat(look, rect('B2:D4'), { rows: [1], columns: [] });
    // A1:C1 and Z9 lie outside B2:D4; C3:E4 is cut to C3:D4.
    expect(format.merges).toEqual([[1, 1, 2, 2]]);
    expect(format.frozen).toEqual({ rows: 1, columns: 0 });
    expect(format.heights).toEqual([[2, 40]]);
    expect(format.hidden).toEqual({ rows: [1], columns: [] });
    expect(format.cells).toBeUndefined(); // the hidden row's bold is not sent
    expect(format.links).toEqual([[0, 2, 'https://shown.example.com/?q="x"']]);
    expect(format.checks).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });

  it(`keeps at most ${FormatLimits.styles} styles, showing the rest as the default`, () => {
    const look = plain(1, FormatLimits.styles + 5);
    look.sizes[0] = look.sizes[0]!.map((_, c) => 11 + (c % 390));
    look.backgrounds[0] = look.backgrounds[0]!.map((_, c) => `#${c.toString(16).padStart(6, '0')}`);
    const format = buildFormat(look, rect('A1:ALQ1'), none); // 1,005 columns
    expect(format.styles.length).toBeLessThanOrEqual(FormatLimits.styles);
    expect(format.styles).toContainEqual({});
  });

  it('reads only literal HYPERLINK targets, and fingerprints a format by its content', () => {
    expect(formulaLink('=hyperlink("https://a.example/", "A")')).toBe('https://a.example/');
    expect(formulaLink('=HYPERLINK(B2, "A")')).toBeNull();
    expect(formulaLink('=SUM(A1:A3)')).toBeNull();
    expect(formatHash({ styles: [] })).toBe(formatHash({ styles: [] }));
    expect(formatHash({ styles: [{ bold: true }], cells: [[0]] })).not.toBe(formatHash({ styles: [{ italic: true }], cells: [[0]] }));
  });
});

function fullState(): SyncState {
  const state = publishedState([{ sheet: 'Sheet1', range: 'A1:J2000' }]);
  state.doc!.access = 'restricted';
  state.doc!.allow = Array.from({ length: 500 }, (_, i) => `${'é'.repeat(160)}${i}@example.com`);
  state.baselines = ['AAAA'.repeat(20_000)];
  const payload = JSON.stringify({ edits: [{ values: Array.from({ length: 600 }, () => ['"quoted"']) }] });
  state.outbox = Array.from({ length: 12 }, (_, i) => ({ method: 'post' as const, path: '/v1/docs/doc1/edits', batchId: `b${i}`, payload, cells: 600 }));
  state.hidden = { Sheet1: { rows: Array.from({ length: 12_000 }, (_, i) => 100_000 + i), columns: [] } };
  state.status.recent = Array.from({ length: 10 }, (_, i) => ({ at: i, kind: 'edits' as const, cells: 1, ranges: Array.from({ length: 6 }, () => `${'ü'.repeat(100)}!A1:ZZ99999`) }));
  return state;
}

describe('the state bounded in total', () => {
  it('sheds every part over its budget, in order, counting each and saying it in words', () => {
    const state = fullState();
    const map = encodeBounded(state, 1_000);
    const sizes = partSizes(map);
    for (const [part, size] of Object.entries(sizes)) expect(size, part).toBeLessThanOrEqual(PART_BUDGETS[part as keyof typeof PART_BUDGETS]);
    expect(Object.values(sizes).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(STORE_BUDGET_BYTES);
    expect(state.status.shed).toEqual({ outbox: 1, allow: 1, hidden: 1 });
    expect(state.resync).toBe(true);
    expect(state.status.error!.message).toMatch(/storage for Sheetcast was full.*snapshot.*allowed to view on the relay.*hidden rows and columns/);
    const back = decodeState(map);
    expect(back.doc!.allowOnRelay).toBe(true);
    expect(back.hiddenUnsaved).toBe(true);
    expect(back.baselines[0]).toHaveLength(80_000); // within its budget: kept
  });

  it('stores a state within every budget whole, and the budgets add up to less than the store holds', () => {
    const state = fullState();
    state.doc!.allow = state.doc!.allow.slice(0, 100);
    state.outbox = state.outbox.slice(0, 4);
    state.hidden = { Sheet1: { rows: [3, 4], columns: [2] } };
    encodeBounded(state, 1_000);
    expect(state.status.shed).toEqual({});
    expect(state.status.error).toBeNull();
    const budgets = Object.values(PART_BUDGETS).reduce((a, b) => a + b, 0);
    expect(budgets).toBeLessThanOrEqual(STORE_BUDGET_BYTES);
    expect(STORE_BUDGET_BYTES).toBeLessThan(500 * 1024);
  });
});
