// Delivery to the relay for the three triggers: every run first sends what earlier runs left
// (outbox, moved ranges, resync snapshot), then its own batch; a batch the relay does not
// acknowledge waits in the outbox.

import { formatA1, type Rect } from '../protocol/a1.ts';
import type { RangeValues } from '../protocol/wire.ts';
import { baselineCovered, codesOf, planWindow, recordSent, repairBlock } from './logic/baseline.ts';
import { editsEntry, formatsEntry, newBatchId, snapshotEntry } from './logic/batch.ts';
import { clipToPublished, rangeRect } from './logic/clip.ts';
import { valuesHash } from './logic/hash.ts';
import { MAX_FLUSH_PER_RUN, REPAIR_CELLS_PER_RUN } from './logic/limits.ts';
import { enqueue, type Outcome } from './logic/outbox.ts';
import { BATCH_MAX_BYTES, splitEdits } from './logic/split.ts';
import { utf8Bytes } from './logic/blob.ts';
import { formatHash } from './logic/format.ts';
import type { OutboxEntry, PublishedDoc, SyncState } from './logic/state.ts';
import { noteError } from './logic/status.ts';
import { callRelay, identityToken } from './gas/relay.ts';
import { maskHidden, sameHidden } from './logic/hidden.ts';
import { readFormats } from './gas/look.ts';
import { readAnchors, readHidden, readPublished, readValues, setAnchors } from './gas/sheets.ts';
import { deliver, sendInOrder } from './deliver.ts';
import { syncFormats } from './sync-look.ts';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Published = SyncState & { doc: PublishedDoc };

/** Changes that can move published cells or rename their sheet: the relay gets a snapshot. */
const STRUCTURAL = ['INSERT_ROW', 'INSERT_COLUMN', 'REMOVE_ROW', 'REMOVE_COLUMN', 'INSERT_GRID', 'REMOVE_GRID'];

/** Where an edit happened, asked of Google only when needed (six service calls). */
export type Edited = (() => { sheet: string; rect: Rect }) | null;

/**
 * One edit-trigger run: the edited cells inside the published ranges, plus any repair. An edit
 * cannot move a published range (inserting and removing fire a change), so anchors are left
 * to the change and hourly runs.
 */
export function syncEdit(ss: Spreadsheet, state: Published, edited: Edited): void {
  // An edit may have changed a cell's links (a link inserted keeps the text): read them anew next time.
  state.linksStale = true;
  syncValues(ss, state, edited);
}

/**
 * The edited cells (when known) and the repair pass, after what earlier runs left. Returns
 * every published value when this run read them all (a doc within the comparison window).
 */
function syncValues(ss: Spreadsheet, state: Published, edited: Edited): RangeValues[] | null {
  // Hidden lines too many to store are read again before any value is.
  if (state.hiddenUnsaved) followHidden(ss, state);
  const snapshotDue = state.resync;
  if (!catchUp(ss, state)) {
    // The relay did not answer this run: keep this run's batches without spending another fetch.
    if (state.resync) return null;
    const built = buildBatches(ss, state, edited);
    for (const batch of built.entries) enqueue(state, batch);
    return built.read;
  }
  if (snapshotDue) return null; // the snapshot just sent carries this edit
  const built = buildBatches(ss, state, edited);
  sendInOrder(state, built.entries);
  return built.read;
}

/**
 * One change-trigger run. Structure changed: anchors are re-read and a snapshot is sent.
 * Another change (a format, a sort, hidden lines) fires no onEdit: the repair pass sends the
 * values that differ (number formats change display values), then the formats that changed.
 */
export function syncChange(ss: Spreadsheet, state: Published, changeType: string): void {
  followAnchors(ss, state);
  // Hiding or showing rows and columns, and filtering, fire nothing but a change.
  followHidden(ss, state);
  if (STRUCTURAL.includes(changeType)) {
    state.resync = true;
    catchUp(ss, state);
    return;
  }
  const snapshotDue = state.resync;
  const read = syncValues(ss, state, null);
  // A snapshot sent (or still due) carries the formats; the values the repair pass read serve the links.
  if (!snapshotDue && !state.resync) syncFormats(ss, state, read ?? readPublished(ss, state.doc.ranges, state.hidden));
}

/** The hourly run: catches what no trigger reports (formulas, API writes, other scripts, formats). */
export function syncCheck(ss: Spreadsheet, state: Published): void {
  // Links are read anew: an edit whose event Google dropped may have changed one.
  state.linksStale = true;
  followAnchors(ss, state);
  followHidden(ss, state);
  if (!catchUp(ss, state)) return;
  const at = Date.now();
  const values = readPublished(ss, state.doc.ranges, state.hidden);
  if (valuesHash(values) !== state.checkHash) sendSnapshot(ss, state, values, at);
  else syncFormats(ss, state, values);
}

/** Sends what earlier runs left, in order. False when the relay did not answer. */
export function catchUp(ss: Spreadsheet, state: Published): boolean {
  if (!flushOutbox(state)) return false;
  if (state.rangesChanged && !updateRanges(state)) return false;
  if (state.resync) {
    const at = Date.now(); // taken before reading: the values are at least this new
    if (sendSnapshot(ss, state, readPublished(ss, state.doc.ranges, state.hidden), at) === 'retry') return false;
  }
  return true;
}

function flushOutbox(state: Published): boolean {
  for (let sent = 0; state.outbox.length > 0 && sent < MAX_FLUSH_PER_RUN; sent++) {
    if (deliver(state, state.outbox[0]!) === 'retry') return false;
    state.outbox.shift();
  }
  return state.outbox.length === 0;
}

/**
 * Sends the published values, each range with its format, as the authoritative snapshot; they
 * become the new baseline. Values too large for one request go out as edits batches instead
 * (the relay drops the unchanged cells, so the result is the same), the formats after them.
 * Formats the relay refuses never keep the values from viewers: they go again without them.
 */
function sendSnapshot(ss: Spreadsheet, state: Published, values: RangeValues[], at: number): Outcome {
  const { formats, links } = readFormats(ss, values, state.hidden);
  state.links = links;
  state.linksStale = false;
  const docId = state.doc.docId;
  const groups = splitEdits(values);
  const whole = groups.length === 1 && groups[0]!.length === values.length;
  const together = whole ? snapshotEntry(docId, values.map((r, i) => ({ ...r, format: formats[i] })), at, newBatchId(at)) : null;
  const valuesOnly = () => (whole ? [snapshotEntry(docId, values, at, newBatchId(at))] : groups.map((group) => editsEntry(docId, group, at, newBatchId(at))));
  const formatsOnly = formatsEntry(docId, values.map((r, i) => ({ sheet: r.sheet, range: r.range, format: formats[i]! })), at, newBatchId(at));
  let sent: { values: Outcome; formats: Outcome };
  if (together && utf8Bytes(together.payload) <= BATCH_MAX_BYTES) {
    const result = deliver(state, together);
    sent = { values: result, formats: result };
    if (result === 'rejected') {
      const problem = state.status.error?.message ?? '';
      sent.values = sendAll(state, valuesOnly());
      if (sent.values === 'sent') noteError(state.status, `The relay refused the sheet's formats, so viewers get the values without them. ${problem}`, Date.now());
    }
  } else {
    sent = { values: sendAll(state, valuesOnly()), formats: 'retry' };
    if (sent.values !== 'retry') sent.formats = sendAll(state, [formatsOnly]);
  }
  if (sent.values === 'retry') return 'retry'; // resync stays marked: the next run reads afresh
  state.resync = false;
  const covered = baselineCovered(state.doc.ranges.map(rangeRect));
  state.baselines = values.map((r, i) => (covered[i] ? codesOf(r.values) : ''));
  state.checkHash = sent.values === 'sent' ? valuesHash(values) : '';
  // Formats not acknowledged are compared against nothing: the next change or hourly check sends them.
  state.formatHashes = sent.formats === 'sent' ? formats.map(formatHash) : [];
  return sent.values;
}

/** Delivers in order until one is not acknowledged: 'retry' stops there; 'rejected' goes on and is the result. */
function sendAll(state: Published, entries: OutboxEntry[]): Outcome {
  let outcome: Outcome = 'sent';
  for (const entry of entries) {
    const result = deliver(state, entry);
    if (result === 'retry') return result;
    if (result === 'rejected') outcome = result;
  }
  return outcome;
}

/** PATCHes the doc's ranges after they moved with the data (as the publisher, the doc's owner). */
function updateRanges(state: Published): boolean {
  const body = JSON.stringify({ ranges: state.doc.ranges });
  const answer = callRelay('patch', `/v1/docs/${encodeURIComponent(state.doc.docId)}`, identityToken(), body);
  if (answer.outcome === 'retry') {
    noteError(state.status, `${answer.problem} The moved ranges will be sent again.`, Date.now());
    return false;
  }
  if (answer.outcome === 'rejected') noteError(state.status, `The relay refused the moved ranges: ${answer.problem}`, Date.now());
  state.rangesChanged = false;
  return true;
}

/** Re-reads the hidden rows and columns; when they changed, the relay gets a snapshot with them empty. */
export function followHidden(ss: Spreadsheet, state: Published): void {
  const hidden = readHidden(ss, state.doc.ranges);
  if (state.hiddenUnsaved) {
    // Too many to have been kept: no comparison is possible, and the hourly check sends what differs.
    state.hidden = hidden;
    state.hiddenUnsaved = false;
    state.linksStale = true;
    return;
  }
  if (sameHidden(hidden, state.hidden)) return;
  state.hidden = hidden;
  state.resync = true;
  state.linksStale = true; // cells shown again have links never read
}

/**
 * Re-reads where each published range's anchor is. A range that moved (rows or columns
 * inserted or removed above or inside it, its sheet renamed) is updated; one whose cells
 * or sheet were deleted stops being published.
 */
function followAnchors(ss: Spreadsheet, state: Published): void {
  const anchors = readAnchors(ss, state.doc.ranges.length);
  const same = anchors.every((a, i) => a && a.sheet === state.doc.ranges[i]!.sheet && a.range === state.doc.ranges[i]!.range);
  if (same) return;
  const kept = anchors.filter((a) => a !== null);
  if (kept.length === 0) {
    noteError(state.status, 'Every published range was deleted. Publish again to choose new ones.', Date.now());
    return;
  }
  if (kept.length < anchors.length) {
    noteError(state.status, 'A published range was deleted with its rows or sheet; the others stay published.', Date.now());
    setAnchors(ss, kept);
  }
  state.doc.ranges = kept;
  state.baselines = kept.map(() => '');
  state.linksStale = true;
  state.cursor = { range: 0, row: 0 };
  state.rangesChanged = true;
  state.resync = true;
}

/**
 * This run's edits: the edited rectangle's display values inside each published range, then
 * whatever in the comparison window differs from what was last sent (dropped events).
 */
function buildBatches(ss: Spreadsheet, state: Published, edited: Edited): { entries: OutboxEntry[]; read: RangeValues[] | null } {
  const doc = state.doc;
  const rects = doc.ranges.map(rangeRect);
  const at = Date.now();
  const edits: RangeValues[] = [];
  const covered = baselineCovered(rects);
  const plan = planWindow(rects, covered, state.cursor, REPAIR_CELLS_PER_RUN);
  // When this run compares every published cell, the comparison finds the edit: no need to ask where it was.
  const comparesAll = plan.whole && covered.every(Boolean) && state.baselines.every(Boolean);
  const where = edited && !comparesAll ? edited() : null;
  const clips = where ? clipToPublished(where.sheet, where.rect, doc.ranges) : [];
  for (const clip of clips) {
    const values = maskHidden(state.hidden, clip.sheet, clip.rect, readValues(ss, clip.sheet, clip.rect));
    edits.push({ sheet: clip.sheet, range: formatA1(clip.rect), values });
    state.baselines[clip.index] = recordSent(rects[clip.index]!, state.baselines[clip.index] ?? '', clip.rect, values);
  }

  const everything: RangeValues[] = [];
  for (const block of plan.blocks) {
    const rect = rects[block.range]!;
    const sheet = doc.ranges[block.range]!.sheet;
    const part = { top: rect.top + block.top, bottom: rect.top + block.top + block.rows - 1, left: rect.left, right: rect.right };
    const values = maskHidden(state.hidden, sheet, part, readValues(ss, sheet, part));
    const skip = clips.filter((c) => c.sheet === sheet).map((c) => c.rect);
    const repair = repairBlock(sheet, rect, state.baselines[block.range] ?? '', block, values, skip);
    edits.push(...repair.edits);
    state.baselines[block.range] = repair.baseline;
    everything.push({ sheet, range: doc.ranges[block.range]!.range, values });
  }
  state.cursor = plan.next;
  // When this run compared every published value, their fingerprint is what the relay will hold.
  if (plan.whole && covered.every(Boolean) && state.baselines.every(Boolean)) state.checkHash = valuesHash(everything);
  const entries = splitEdits(edits).map((group) => editsEntry(doc.docId, group, at, newBatchId(at)));
  return { entries, read: plan.whole && covered.every(Boolean) ? everything : null };
}
