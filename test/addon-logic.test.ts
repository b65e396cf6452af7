// The add-on's pure logic (addon/logic): no Apps Script, no fakes.
import { describe, expect, it } from 'vitest';
import { parseA1 } from '../protocol/a1.ts';
import { Limits } from '../protocol/wire.ts';
import { baselineCovered, codesOf, planWindow, recordSent, repairBlock } from '../addon/logic/baseline.ts';
import { editsEntry, newBatchId, rangesOf } from '../addon/logic/batch.ts';
import { propertyChanges, readBlob, splitUtf8, utf8Bytes, writeBlob, type PropertyMap } from '../addon/logic/blob.ts';
import { clipToPublished } from '../addon/logic/clip.ts';
import { valuesHash } from '../addon/logic/hash.ts';
import { BASELINE_CELLS, OUTBOX_MAX_BYTES, PROPERTY_CHUNK_BYTES, RECENT_SENDS } from '../addon/logic/limits.ts';
import { enqueue, outcomeOf } from '../addon/logic/outbox.ts';
import { splitEdits, splitRange } from '../addon/logic/split.ts';
import { decodeState, emptyState, encodeState, type SyncState } from '../addon/logic/state.ts';
import { currentError, noteError, noteSent, sentToday } from '../addon/logic/status.ts';
import { publishedState } from './helpers/addon-state.ts';

const rect = (a1: string) => parseA1(a1)!;
const grid = (rows: number, cols: number, value: (r: number, c: number) => string) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => value(r, c)));

const published = (): SyncState => publishedState();

describe('clipping edits to the published ranges', () => {
  const ranges = [
    { sheet: 'Sheet1', range: 'A1:C3' },
    { sheet: 'Totals', range: 'B2:B4' },
  ];

  it('keeps only the cells of an edit that lie inside a published range', () => {
    expect(clipToPublished('Sheet1', rect('B2:D4'), ranges)).toEqual([{ index: 0, sheet: 'Sheet1', rect: rect('B2:C3') }]);
  });

  it('yields nothing for an edit outside every range or on an unpublished sheet', () => {
    expect(clipToPublished('Sheet1', rect('E5:F6'), ranges)).toEqual([]);
    expect(clipToPublished('Other', rect('A1:C3'), ranges)).toEqual([]);
  });
});

describe('long values in document properties', () => {
  it('splits a blob into chunks under the 9 KB property limit and reads it back whole', () => {
    const text = 'é😀x'.repeat(5_000);
    const map: PropertyMap = {};
    writeBlob(map, 'outbox', text);
    const chunks = Object.keys(map).filter((k) => k.startsWith('outbox.'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const key of chunks) expect(utf8Bytes(map[key]!)).toBeLessThanOrEqual(PROPERTY_CHUNK_BYTES);
    expect(readBlob(map, 'outbox')).toBe(text);
  });

  it('never cuts a character in two', () => {
    const pieces = splitUtf8('😀'.repeat(10), 6);
    expect(pieces.every((p) => p === '😀')).toBe(true);
  });

  it('reads a blob with a missing chunk as absent', () => {
    const map: PropertyMap = {};
    writeBlob(map, 'b', 'x'.repeat(PROPERTY_CHUNK_BYTES * 2));
    delete map['b.1'];
    expect(readBlob(map, 'b')).toBeNull();
  });

  it('writes only the properties that changed and deletes the ones no longer used', () => {
    expect(propertyChanges({ a: '1', b: '2', c: '3' }, { a: '1', b: '4' })).toEqual({ set: { b: '4' }, remove: ['c'] });
  });
});

describe('the state kept in document properties', () => {
  it('round-trips the doc, outbox, flags, baselines and status', () => {
    const state = published();
    state.outbox = [editsEntry('doc1', [{ sheet: 'Sheet1', range: 'A1', values: [['x']] }], 1, 'b1')];
    state.resync = true;
    state.cursor = { range: 0, row: 2 };
    state.checkHash = 'h';
    state.baselines = [codesOf(grid(3, 3, () => 'v'))];
    noteError(state.status, 'boom', 5);
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('turns an outbox that cannot be read back into a resync instead of losing it', () => {
    const map = encodeState(published());
    map['outbox'] = '2';
    map['outbox.0'] = '[{"broken';
    const state = decodeState(map);
    expect(state.outbox).toEqual([]);
    expect(state.resync).toBe(true);
  });

  it('keeps nothing but the status once unpublished', () => {
    expect(Object.keys(encodeState(emptyState()))).toEqual(['status', 'status.0']);
  });

  it('keeps every property value under the 9 KB limit, however many ranges each send carried and however long the error', () => {
    const state = published();
    const ranges = Array.from({ length: 1_000 }, (_, i) => `Sheet1!B${i + 1}`);
    for (let i = 0; i < 20; i++) noteSent(state.status, { at: i, kind: 'edits', cells: 1_000, ranges }, '2026-11-30');
    noteError(state.status, 'x'.repeat(50_000), 20);
    const map = encodeState(state);
    for (const value of Object.values(map)) expect(utf8Bytes(value)).toBeLessThanOrEqual(PROPERTY_CHUNK_BYTES);
    const back = decodeState(map).status;
    expect(back.recent.at(-1)!.ranges).toEqual([...ranges.slice(0, 5), '+995 more']);
    expect(back.sentToday).toBe(20);
  });

  it('reads the status and doc an earlier version stored as plain JSON', () => {
    const state = published();
    noteSent(state.status, { at: 1, kind: 'edits', cells: 1, ranges: ['Sheet1!A1'] }, '2026-11-30');
    const legacy = { status: JSON.stringify(state.status), doc: JSON.stringify(state.doc) };
    expect(decodeState(legacy).status.sentToday).toBe(1);
    expect(decodeState(legacy).doc).toEqual(state.doc);
  });
});

describe('the outbox', () => {
  it('retries network errors, 408, 429 and 5xx, and gives up on other 4xx', () => {
    expect([null, 408, 429, 500, 503].map(outcomeOf)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 401, 403, 404, 413].map(outcomeOf)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect([200, 201].map(outcomeOf)).toEqual(['sent', 'sent']);
  });

  it('keeps batches in order with their batchId', () => {
    const state = published();
    for (const id of ['b1', 'b2', 'b3']) enqueue(state, editsEntry('doc1', [{ sheet: 'Sheet1', range: 'A1', values: [[id]] }], 1, id));
    expect(state.outbox.map((e) => e.batchId)).toEqual(['b1', 'b2', 'b3']);
  });

  it('gives way to one resync mark past its size bound, and queues nothing more while marked', () => {
    const state = published();
    const big = 'x'.repeat(OUTBOX_MAX_BYTES / 4);
    for (let i = 0; i < 5; i++) enqueue(state, editsEntry('doc1', [{ sheet: 'Sheet1', range: 'A1', values: [[big]] }], i, `b${i}`));
    expect(state.outbox).toEqual([]);
    expect(state.resync).toBe(true);
    enqueue(state, editsEntry('doc1', [{ sheet: 'Sheet1', range: 'A1', values: [['y']] }], 9, 'b9'));
    expect(state.outbox).toEqual([]);
  });

  it('measures its bound in UTF-8 bytes, as the property store does, not in characters', () => {
    const state = published();
    // 40,000 characters of three bytes each: 120 KB in the store.
    enqueue(state, editsEntry('doc1', [{ sheet: 'Sheet1', range: 'A1', values: [['€'.repeat(40_000)]] }], 1, 'b1'));
    expect(state.resync).toBe(true);
  });
});

describe('repairing dropped edit events against what was last sent', () => {
  const range = rect('B2:E5');
  const before = grid(4, 4, (r, c) => `${r}${c}`);

  it('finds a cell changed without an edit event and sends the span of its row', () => {
    const now = before.map((row) => [...row]);
    now[1]![2] = 'changed';
    const result = repairBlock('Sheet1', range, codesOf(before), { range: 0, top: 0, rows: 4 }, now, []);
    expect(result.edits).toEqual([{ sheet: 'Sheet1', range: 'D3', values: [['changed']] }]);
    expect(result.baseline).toBe(codesOf(now));
  });

  it('spans from the first to the last differing cell of a row', () => {
    const now = before.map((row) => [...row]);
    now[0]![0] = 'a';
    now[0]![3] = 'b';
    const result = repairBlock('Sheet1', range, codesOf(before), { range: 0, top: 0, rows: 4 }, now, []);
    expect(result.edits).toEqual([{ sheet: 'Sheet1', range: 'B2:E2', values: [['a', '01', '02', 'b']] }]);
  });

  it('does not repeat cells the batch already carries', () => {
    const now = before.map((row) => [...row]);
    now[0]![0] = 'edited';
    const result = repairBlock('Sheet1', range, codesOf(before), { range: 0, top: 0, rows: 4 }, now, [rect('B2')]);
    expect(result.edits).toEqual([]);
  });

  it('sends nothing when nothing differs', () => {
    expect(repairBlock('Sheet1', range, codesOf(before), { range: 0, top: 0, rows: 4 }, before, []).edits).toEqual([]);
  });

  it('records sent cells inside the range only', () => {
    const sent = recordSent(range, codesOf(before), rect('A1:C3'), grid(3, 3, () => 'new'));
    const expected = before.map((row) => [...row]);
    expected[0]![0] = 'new';
    expected[0]![1] = 'new';
    expected[1]![0] = 'new';
    expected[1]![1] = 'new';
    expect(sent).toBe(codesOf(expected));
  });

  it('compares every published cell on each run while the doc fits the budget', () => {
    const plan = planWindow([rect('A1:C3'), rect('E1:E10')], [true, true], { range: 0, row: 0 }, 100);
    expect(plan.whole).toBe(true);
    expect(plan.blocks).toEqual([
      { range: 0, top: 0, rows: 3 },
      { range: 1, top: 0, rows: 10 },
    ]);
  });

  it('compares a larger doc in a rotating window that reaches every row', () => {
    const rects = [rect('A1:J10'), rect('A20:E23')];
    const seen = new Set<string>();
    let cursor = { range: 0, row: 0 };
    for (let run = 0; run < 6; run++) {
      const plan = planWindow(rects, [true, true], cursor, 30);
      expect(plan.whole).toBe(false);
      for (const b of plan.blocks) for (let r = 0; r < b.rows; r++) seen.add(`${b.range}:${b.top + r}`);
      cursor = plan.next;
    }
    expect(seen.size).toBe(14);
  });

  it(`keeps fingerprints for the first ${BASELINE_CELLS} published cells only`, () => {
    expect(baselineCovered([rect('A1:J1000'), rect('A1:J1000'), rect('A1:A1')])).toEqual([true, true, false]);
  });
});

describe('batches and status', () => {
  it('gives every batch a distinct id the relay accepts', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newBatchId(Date.now())));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(Limits.batchIdChars);
  });

  it('names the ranges a batch carried', () => {
    expect(rangesOf(editsEntry('d', [{ sheet: 'Sheet1', range: 'B2:C2', values: [['1', '2']] }], 1, 'b'))).toEqual(['Sheet1!B2:C2']);
  });

  it('counts sends per day and starts again on a new day', () => {
    const state = published();
    noteSent(state.status, { at: 1, kind: 'edits', cells: 1, ranges: [] }, '2026-01-01');
    noteSent(state.status, { at: 2, kind: 'edits', cells: 1, ranges: [] }, '2026-01-01');
    expect(sentToday(state.status, '2026-01-01')).toBe(2);
    expect(sentToday(state.status, '2026-01-02')).toBe(0);
    noteSent(state.status, { at: 3, kind: 'edits', cells: 1, ranges: [] }, '2026-01-02');
    expect(sentToday(state.status, '2026-01-02')).toBe(1);
  });

  it(`keeps the last ${RECENT_SENDS} sends, newest last`, () => {
    const state = published();
    for (let at = 1; at <= RECENT_SENDS + 3; at++) noteSent(state.status, { at, kind: 'edits', cells: 1, ranges: [] }, 'd');
    expect(state.status.recent.map((s) => s.at)).toEqual(Array.from({ length: RECENT_SENDS }, (_, i) => i + 4));
  });

  it('shows an error until a later send succeeds', () => {
    const state = published();
    noteError(state.status, 'relay down', 10);
    expect(currentError(state.status)?.message).toBe('relay down');
    noteSent(state.status, { at: 11, kind: 'edits', cells: 1, ranges: [] }, 'd');
    expect(currentError(state.status)).toBeNull();
  });

  it('fingerprints published values so that any change, shape included, is noticed', () => {
    const a = [{ sheet: 'S', range: 'A1:B1', values: [['1', '2']] }];
    expect(valuesHash(a)).toBe(valuesHash(structuredClone(a)));
    expect(valuesHash(a)).not.toBe(valuesHash([{ sheet: 'S', range: 'A1:B1', values: [['1', '3']] }]));
    expect(valuesHash(a)).not.toBe(valuesHash([{ sheet: 'S', range: 'A1:A2', values: [['1'], ['2']] }]));
  });
});

describe('requests within the relay limits', () => {
  const block = (range: string, rows: number, cols: number, width = 1) => ({ sheet: 'S', range, values: grid(rows, cols, (r, c) => `${r}.${c}`.padEnd(width, '.')) });

  it('keeps edits that fit in one batch together', () => {
    const edits = [block('A1:B2', 2, 2), block('D4', 1, 1)];
    expect(splitEdits(edits)).toEqual([edits]);
  });

  it('cuts a paste over the cell limit along rows, covering every cell once', () => {
    const batches = splitEdits([block('A1:J100', 100, 10)], 300, 1_000_000);
    expect(batches.length).toBeGreaterThan(1);
    const cells = new Map<string, string>();
    for (const batch of batches) {
      expect(batch.reduce((n, r) => n + r.values.flat().length, 0)).toBeLessThanOrEqual(300);
      for (const r of batch) {
        const rect = parseA1(r.range)!;
        r.values.forEach((row, i) => row.forEach((v, j) => cells.set(`${rect.top + i}:${rect.left + j}`, v)));
      }
    }
    expect(cells.size).toBe(1000);
    expect(cells.get('100:10')).toBe('99.9');
  });

  it('cuts one huge row along columns when its bytes exceed the limit', () => {
    const pieces = splitRange(block('A1:Z1', 1, 26, 1000), 50_000, 10_000);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.map((p) => p.range).join(' ')).toMatch(/^A1:[A-Z]1 /);
    expect(pieces.flatMap((p) => p.values[0]!)).toEqual(block('A1:Z1', 1, 26, 1000).values[0]);
  });
});
