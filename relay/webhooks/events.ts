// What an endpoint receives: the doc's next delta, or its whole state when the deltas it missed
// cannot all be given; each signed per the Standard Webhooks specification.
import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from '../../protocol/webhooks.ts';
import type { Delta, Store } from '../store/store.ts';
import type { WebhookRecord } from '../store/webhook-records.ts';

/**
 * The events that follow the endpoint's cursor: the deltas after it, in order, or one snapshot when
 * they cannot be resumed (a new epoch, history pruned past the cursor). Empty when it is up to date
 * or the doc is gone.
 */
export async function eventsAfter(store: Store, hook: WebhookRecord): Promise<WebhookEvent[]> {
  const doc = await store.getDoc(hook.docId);
  if (!doc || (doc.epoch === hook.epoch && doc.seq === hook.seq)) return [];
  const deltas = await store.readDeltas(hook.docId, hook.epoch, hook.seq);
  if (deltas) return deltas.map(deltaEvent);
  const snapshot = await store.readSnapshot(hook.docId);
  if (!snapshot) return [];
  const { epoch, seq, title, ranges } = snapshot;
  return [{ type: 'sheet.snapshot', docId: hook.docId, epoch, seq, title, ranges }];
}

function deltaEvent(delta: Delta): WebhookEvent {
  const { docId, epoch, seq, changes, formats } = delta;
  return { type: 'sheet.delta', docId, epoch, seq, changes, ...(formats && { formats }) };
}

/** The same id on every retry of one event to one endpoint, so a receiver can drop repeats. */
export function messageId(hook: WebhookRecord, event: WebhookEvent): string {
  return `msg_${hook.id}_${event.epoch}_${event.seq}${event.type === 'sheet.snapshot' ? '_snapshot' : ''}`;
}

/** The Standard Webhooks headers for one attempt: the signature covers id, timestamp and body. */
export function signedHeaders(signer: Webhook, id: string, body: string, now: number): Record<string, string> {
  const timestamp = new Date(Math.floor(now / 1000) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': signer.sign(id, timestamp, body),
  };
}
