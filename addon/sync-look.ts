// Formats that changed without any value (onChange FORMAT, the hourly check): each published
// range's format is compared with the fingerprint of what the relay last got, and those that
// differ go out in one edits request that carries formats only.

import type { RangeValues } from '../protocol/wire.ts';
import { formatsEntry, newBatchId } from './logic/batch.ts';
import { formatHash } from './logic/format.ts';
import { enqueue } from './logic/outbox.ts';
import type { PublishedDoc, SyncState } from './logic/state.ts';
import { readFormats } from './gas/look.ts';
import { deliver } from './deliver.ts';

type Published = SyncState & { doc: PublishedDoc };

/** `values`: the published values as sent (cells without text have no link to read). */
export function syncFormats(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, state: Published, values: RangeValues[]): void {
  // Links read earlier are reused while no edit can have changed them: a format change costs no call per cell.
  const { formats, links } = readFormats(ss, values, state.hidden, state.linksStale ? [] : state.links);
  state.links = links;
  state.linksStale = false;
  const hashes = formats.map(formatHash);
  const changed = values.flatMap((r, i) => (hashes[i] === state.formatHashes[i] ? [] : [{ sheet: r.sheet, range: r.range, format: formats[i]! }]));
  if (changed.length === 0) return;
  const at = Date.now();
  const entry = formatsEntry(state.doc.docId, changed, at, newBatchId(at));
  state.formatHashes = hashes;
  // Behind batches still waiting: it waits with them, in order.
  if (state.outbox.length > 0) return enqueue(state, entry);
  const outcome = deliver(state, entry);
  if (outcome === 'retry') enqueue(state, entry);
  // Refused: what the relay holds is unknown, so the next run compares against nothing and sends again.
  if (outcome === 'rejected') state.formatHashes = [];
}
