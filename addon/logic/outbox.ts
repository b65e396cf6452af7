// The outbox: batches the relay did not acknowledge, kept in order and re-sent with their
// own batchId (the relay answers a repeat with its first answer), bounded in size.

import { utf8Bytes } from './blob.ts';
import { OUTBOX_MAX_BYTES, OUTBOX_MAX_ENTRIES } from './limits.ts';
import type { OutboxEntry, SyncState } from './state.ts';

/** What a response means for a batch: done, try again later (same batchId), or give up and say why. */
export type Outcome = 'sent' | 'retry' | 'rejected';

/** `status` null means the request never got an answer (network error, timeout). */
export function outcomeOf(status: number | null): Outcome {
  if (status === null || status >= 500 || status === 408 || status === 429) return 'retry';
  return status >= 200 && status < 300 ? 'sent' : 'rejected';
}

/** Measured as the property store measures it: UTF-8 bytes of the outbox as stored (its payloads' JSON escaped once more). */
function outboxBytes(outbox: readonly OutboxEntry[]): number {
  return utf8Bytes(JSON.stringify(outbox));
}

/**
 * Keeps a batch for a later run. Past the bound the outbox is replaced by the resync mark:
 * one snapshot of the current values then stands for every batch it held.
 */
export function enqueue(state: SyncState, entry: OutboxEntry): void {
  if (state.resync) return;
  state.outbox.push(entry);
  if (state.outbox.length > OUTBOX_MAX_ENTRIES || outboxBytes(state.outbox) > OUTBOX_MAX_BYTES) {
    state.outbox = [];
    state.resync = true;
  }
}
