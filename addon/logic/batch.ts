// The requests the add-on sends the relay: edits (POST) and snapshots (PUT), each with a fresh batchId.

import { cellCount, parseA1 } from '../../protocol/a1.ts';
import type { RangeFormat, RangeFormatChange } from '../../protocol/format.ts';
import type { EditsRequest, RangeValues, SnapshotRequest } from '../../protocol/wire.ts';
import type { OutboxEntry } from './state.ts';

let counter = 0;

/** Unique per batch: time, randomness and a per-execution counter (never reused on a retry). */
export function newBatchId(now: number, random: () => number = Math.random): string {
  const noise = () => Math.floor(random() * 2 ** 32).toString(36).padStart(7, '0');
  return `${now.toString(36)}-${noise()}${noise()}-${(counter++).toString(36)}`;
}

export function cellsIn(ranges: readonly RangeValues[]): number {
  return ranges.reduce((sum, r) => sum + (parseA1(r.range) ? cellCount(parseA1(r.range)!) : 0), 0);
}

export function editsEntry(docId: string, edits: RangeValues[], at: number, batchId: string): OutboxEntry {
  const body: EditsRequest = { batchId, at, edits };
  return { method: 'post', path: `/v1/docs/${encodeURIComponent(docId)}/edits`, batchId, payload: JSON.stringify(body), cells: cellsIn(edits) };
}

/** New formats of whole ranges and no values: an edits request whose edits are empty. */
export function formatsEntry(docId: string, formats: RangeFormatChange[], at: number, batchId: string): OutboxEntry {
  const body: EditsRequest = { batchId, at, edits: [], formats };
  return { method: 'post', path: `/v1/docs/${encodeURIComponent(docId)}/edits`, batchId, payload: JSON.stringify(body), cells: 0 };
}

export function snapshotEntry(docId: string, ranges: (RangeValues & { format?: RangeFormat })[], at: number, batchId: string): OutboxEntry {
  const body: SnapshotRequest = { batchId, at, ranges };
  return { method: 'put', path: `/v1/docs/${encodeURIComponent(docId)}/snapshot`, batchId, payload: JSON.stringify(body), cells: cellsIn(ranges) };
}

/** The edits of a batch, read back from its payload (for the sidebar's recent list). */
export function rangesOf(entry: OutboxEntry): string[] {
  const body = JSON.parse(entry.payload) as Partial<EditsRequest & SnapshotRequest>;
  return [...(body.edits ?? body.ranges ?? []), ...(body.formats ?? [])].map((r) => `${r.sheet}!${r.range}`);
}
