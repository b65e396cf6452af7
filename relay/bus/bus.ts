// The Bus carries already-sequenced deltas and doc events between relay instances. Delivery
// may be lost (Redis pub/sub): the hub fills any seq gap from the store. Another instance's
// deltas of a doc arrive only while this instance follows the doc (it has viewers of it);
// doc events and presence reach every instance.
import type { Delta } from '../store/store.ts';

export type DocEvent = 'epoch' | 'settings' | 'unpublished';

export type BusMessage =
  | { type: 'delta'; delta: Delta }
  /** A doc's settings changed: `epoch` (ranges), `settings` (title, access), or unpublished. */
  | { type: 'doc'; docId: string; event: DocEvent }
  /** One instance's viewer count for a doc, so every instance can show the total. */
  | { type: 'presence'; docId: string; instance: string; viewers: number }
  /** This instance may have missed messages (the bus reconnected): catch up from the store. */
  | { type: 'resync' };

export interface Bus {
  publish(message: BusMessage): void;
  subscribe(handler: (message: BusMessage) => void): void;
  /** Other instances' deltas of this doc come from now on; resolves once that holds. */
  follow(docId: string): Promise<void>;
  /** This instance no longer needs other instances' deltas of this doc. */
  unfollow(docId: string): void;
  /** Throws when the bus cannot deliver. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
