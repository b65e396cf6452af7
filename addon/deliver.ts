// One batch to the relay, and what its answer means for the doc's state: noted where the
// sidebar shows it, kept in the outbox when the relay did not answer.

import { rangesOf } from './logic/batch.ts';
import { enqueue, type Outcome } from './logic/outbox.ts';
import type { OutboxEntry, PublishedDoc, SyncState } from './logic/state.ts';
import { noteError, noteSent } from './logic/status.ts';
import { callRelay } from './gas/relay.ts';
import { dayAt } from './gas/session.ts';

type Published = SyncState & { doc: PublishedDoc };

/** Sends one batch with the ingest key and notes the result where the sidebar shows it. */
export function deliver(state: Published, entry: OutboxEntry): Outcome {
  const answer = callRelay(entry.method, entry.path, state.doc.ingestKey, entry.payload, false);
  const now = Date.now();
  if (answer.outcome === 'sent') {
    noteSent(state.status, { at: now, kind: entry.method === 'put' ? 'snapshot' : 'edits', cells: entry.cells, ranges: rangesOf(entry) }, dayAt(state.status, now));
  } else if (answer.outcome === 'retry') {
    const waiting = state.outbox.includes(entry) ? state.outbox.length : state.outbox.length + 1;
    noteError(state.status, `${answer.problem} ${waiting} batch${waiting === 1 ? '' : 'es'} will be sent again.`, now);
  } else if (answer.status === 404) {
    state.unknownToRelay = true;
    noteError(state.status, 'The relay no longer knows this spreadsheet (it was unpublished elsewhere), so Sheetcast stopped sending edits. Publish again to share it.', now);
  } else {
    noteError(state.status, `The relay rejected ${entry.method === 'put' ? 'a snapshot' : 'an edit'}: ${answer.problem}`, now);
    state.checkHash = ''; // what the relay holds is unknown now: the hourly check sends a snapshot
  }
  return answer.outcome;
}

/** Sends batches in order; from the first the relay does not acknowledge on, they wait in the outbox. */
export function sendInOrder(state: Published, batches: OutboxEntry[]): Outcome {
  for (let i = 0; i < batches.length; i++) {
    const outcome = deliver(state, batches[i]!);
    if (outcome === 'retry') {
      for (const batch of batches.slice(i)) enqueue(state, batch);
      return outcome;
    }
  }
  return 'sent';
}
