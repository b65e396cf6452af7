// @sheetcast/client: a published Google Sheet range, live, in a few lines of JavaScript.
//
//   import { subscribe } from '@sheetcast/client';
//   const live = subscribe('https://relay.example.com', 'SHARE_ID', {
//     onRows: (rows) => render(rows),
//   });
//
// One connection per share (WebSocket, or Server-Sent Events where a network refuses
// upgrades), resumed after every drop with exactly the changes missed.
import { parseA1 } from '../../protocol/a1.ts';
import { rowsOf } from '../../protocol/rows.ts';
import type { DeltaFrame, RangeChanges, SharedRange, SnapshotFrame, ViewSettings } from '../../protocol/wire.ts';
import { LiveClient, type LiveState, type TransportName } from './live-client.ts';

export { LiveClient, closeMessage, type LiveListener, type LiveState, type LiveStatus, type TransportName } from './live-client.ts';
export type { CellStyle, RangeFormat, SharedRange } from '../../protocol/wire.ts';

export interface Change {
  /** `full`: a snapshot replaced everything; `delta`: the cells in `changes` changed. */
  kind: 'full' | 'delta';
  /** The changed rectangles (`null` for a cell inside one that did not change); empty for `full`. */
  changes: RangeChanges[];
  epoch: number;
  seq: number;
}

export interface SubscribeOptions {
  /** After every snapshot or delta has been applied. */
  onChange?: (change: Change, sheet: Subscription) => void;
  /** The rows of `range` (default: the first published range) whenever any of its cells changed. */
  onRows?: (rows: Record<string, string>[], sheet: Subscription) => void;
  /** Which range `onRows` follows: `Sheet1!A1:C10`, or a sheet's name. */
  range?: string;
  /** The connection's state: connecting, live, reconnecting, offline or stopped, in words too. */
  onState?: (state: LiveState) => void;
  /** Default: `['websocket', 'sse']`. */
  transports?: TransportName[];
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface Subscription {
  readonly title: string;
  readonly epoch: number;
  readonly seq: number;
  /** The published ranges, with their values and formats, as of the last change. */
  readonly ranges: readonly SharedRange[];
  readonly view: ViewSettings;
  readonly state: LiveState;
  /** Objects keyed by the range's first row; hidden rows and columns are left out. */
  rows(range?: string): Record<string, string>[];
  /** One cell's display value: `Sheet1!B2` (or `B2` in the first range); undefined outside every range. */
  cell(address: string): string | undefined;
  close(): void;
}

/** Follows a share of `relay` until `close()`. */
export function subscribe(relay: string, share: string, options: SubscribeOptions = {}): Subscription {
  let snapshot: SnapshotFrame | null = null;
  const find = (wanted?: string): SharedRange | undefined => {
    const ranges = snapshot?.ranges ?? [];
    if (wanted === undefined) return ranges[0];
    const bang = wanted.lastIndexOf('!');
    const sheet = bang < 0 ? wanted : wanted.slice(0, bang);
    const a1 = bang < 0 ? null : parseA1(wanted.slice(bang + 1));
    return ranges.find((r) => r.sheet === sheet && (a1 === null || JSON.stringify(parseA1(r.range)) === JSON.stringify(a1)));
  };
  const subscription: Subscription = {
    get title() {
      return snapshot?.title ?? '';
    },
    get epoch() {
      return snapshot?.epoch ?? 0;
    },
    get seq() {
      return snapshot?.seq ?? 0;
    },
    get ranges() {
      return snapshot?.ranges ?? [];
    },
    get view() {
      return snapshot?.view ?? {};
    },
    get state() {
      return client.state;
    },
    rows(range) {
      const found = find(range);
      return found ? rowsOf(found) : [];
    },
    cell(address) {
      const bang = address.lastIndexOf('!');
      const sheet = bang < 0 ? snapshot?.ranges[0]?.sheet : address.slice(0, bang);
      const at = parseA1(bang < 0 ? address : address.slice(bang + 1));
      if (!at) return undefined;
      for (const r of snapshot?.ranges ?? []) {
        const rect = parseA1(r.range)!;
        if (r.sheet !== sheet || at.top < rect.top || at.top > rect.bottom || at.left < rect.left || at.left > rect.right) continue;
        return r.values[at.top - rect.top]![at.left - rect.left];
      }
      return undefined;
    },
    close: () => client.stop(),
  };
  const followed = () => find(options.range);
  const notify = (change: Change, touchedFollowed: boolean) => {
    options.onChange?.(change, subscription);
    if (options.onRows && touchedFollowed) options.onRows(subscription.rows(options.range), subscription);
  };
  const client = new LiveClient({
    relay,
    share,
    transports: options.transports,
    baseDelayMs: options.baseDelayMs,
    maxDelayMs: options.maxDelayMs,
    listener: {
      snapshot(frame) {
        snapshot = structuredClone(frame);
        notify({ kind: 'full', changes: [], epoch: frame.epoch, seq: frame.seq }, true);
      },
      delta(frame) {
        if (!snapshot) return;
        const range = followed();
        const touched = applyDelta(snapshot, frame);
        notify({ kind: 'delta', changes: frame.changes, epoch: snapshot.epoch, seq: frame.seq }, range !== undefined && touched.has(range));
      },
      state: (state) => options.onState?.(state),
    },
  });
  client.start();
  return subscription;
}

/** Applies a delta's values and formats to the held snapshot; returns the ranges it touched. */
function applyDelta(snapshot: SnapshotFrame, frame: DeltaFrame): Set<SharedRange> {
  const touched = new Set<SharedRange>();
  snapshot.seq = frame.seq;
  for (const change of frame.changes) {
    const rect = parseA1(change.range);
    if (!rect) continue;
    for (const range of snapshot.ranges) {
      const target = parseA1(range.range)!;
      if (range.sheet !== change.sheet) continue;
      change.values.forEach((line, i) =>
        line.forEach((value, j) => {
          const [row, col] = [rect.top + i - target.top, rect.left + j - target.left];
          if (value === null || row < 0 || col < 0 || row >= range.values.length || col >= range.values[row]!.length) return;
          range.values[row]![col] = value;
          touched.add(range);
        }),
      );
    }
  }
  for (const change of frame.formats ?? []) {
    for (const range of snapshot.ranges) {
      if (range.sheet === change.sheet && range.range === change.range) {
        range.format = change.format;
        touched.add(range);
      }
    }
  }
  return touched;
}
