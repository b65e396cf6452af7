// Request bodies within the relay's limits (SPEC.md: 50,000 cells and 1 MiB per request): a
// large paste goes out as several batches, each cut along rows (or columns, for one huge row).

import { columns, formatA1, parseA1, rows, type Rect } from '../../protocol/a1.ts';
import { Limits, type RangeValues } from '../../protocol/wire.ts';
import { utf8Bytes } from './blob.ts';

export const BATCH_MAX_CELLS: number = Limits.cellsPerRequest;
/** Room is left for the envelope (batchId, at, sheet names). */
export const BATCH_MAX_BYTES: number = Limits.bodyBytes - 16 * 1024;

const ENVELOPE_BYTES = 64;

function bytesOf(r: RangeValues): number {
  return utf8Bytes(JSON.stringify(r.values)) + utf8Bytes(r.sheet) + r.range.length + ENVELOPE_BYTES;
}

function part(r: RangeValues, rect: Rect, top: number, left: number, height: number, width: number): RangeValues {
  const sub = { top: rect.top + top, left: rect.left + left, bottom: rect.top + top + height - 1, right: rect.left + left + width - 1 };
  return { sheet: r.sheet, range: formatA1(sub), values: r.values.slice(top, top + height).map((row) => row.slice(left, left + width)) };
}

/** One rectangle of values cut in halves until every piece fits. */
export function splitRange(r: RangeValues, maxCells = BATCH_MAX_CELLS, maxBytes = BATCH_MAX_BYTES): RangeValues[] {
  const rect = parseA1(r.range);
  if (!rect) return [r];
  const height = rows(rect);
  const width = columns(rect);
  if ((height * width <= maxCells && bytesOf(r) <= maxBytes) || height * width === 1) return [r];
  if (height > 1) {
    const half = Math.ceil(height / 2);
    return [...splitRange(part(r, rect, 0, 0, half, width), maxCells, maxBytes), ...splitRange(part(r, rect, half, 0, height - half, width), maxCells, maxBytes)];
  }
  const half = Math.ceil(width / 2);
  return [...splitRange(part(r, rect, 0, 0, 1, half), maxCells, maxBytes), ...splitRange(part(r, rect, 0, half, 1, width - half), maxCells, maxBytes)];
}

/** Groups the edits into batches that each fit one request, keeping their order. */
export function splitEdits(edits: readonly RangeValues[], maxCells = BATCH_MAX_CELLS, maxBytes = BATCH_MAX_BYTES): RangeValues[][] {
  const batches: RangeValues[][] = [];
  let current: RangeValues[] = [];
  let cells = 0;
  let bytes = 0;
  for (const piece of edits.flatMap((r) => splitRange(r, maxCells, maxBytes))) {
    const rect = parseA1(piece.range);
    const pieceCells = rect ? rows(rect) * columns(rect) : 0;
    const pieceBytes = bytesOf(piece);
    if (current.length > 0 && (cells + pieceCells > maxCells || bytes + pieceBytes > maxBytes)) {
      batches.push(current);
      current = [];
      cells = 0;
      bytes = 0;
    }
    current.push(piece);
    cells += pieceCells;
    bytes += pieceBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

