// Everything the add-on remembers about a published doc, and how it maps onto document
// properties (read with one getProperties, written with one setProperties per run).
import type { RecentSend } from '../../protocol/sidebar.ts';
import type { Access, PublishedRange, ViewSettings } from '../../protocol/wire.ts';
import type { Baseline, Cursor } from './baseline.ts';
import { readBlob, writeBlob, type PropertyMap } from './blob.ts';
import type { TextLinks } from './format.ts';
import type { Hidden } from './hidden.ts';

export type { RecentSend };

/** The unique ids of this spreadsheet's installable triggers, as the publisher created them. */
export interface TriggerIds {
  edit?: string;
  change?: string;
  check?: string;
}

export interface PublishedDoc {
  docId: string;
  shareId: string;
  ingestKey: string;
  viewUrl: string;
  embedUrl: string;
  title: string;
  access: Access;
  allow: string[];
  ranges: PublishedRange[];
  /** The publisher's view settings (absent in state saved before there were any). */
  view?: ViewSettings;
  triggers?: TriggerIds;
  /** The allow list was too long to keep here: the relay's copy is the one the sidebar shows. */
  allowOnRelay?: boolean;
}

/** A request the relay has not acknowledged yet, re-sent as is (same batchId) by a later run. */
export interface OutboxEntry {
  method: 'post' | 'put';
  path: string;
  batchId: string;
  payload: string;
  cells: number;
}

export interface Status {
  error: { message: string; at: number } | null;
  lastSentAt: number | null;
  /** The day (YYYY-MM-DD, the spreadsheet's time zone) that sentToday counts, and when it ends (ms). */
  day: string;
  dayEndsAt?: number;
  sentToday: number;
  recent: RecentSend[];
  /** How often each part of the state was shed to keep the store within its budget. */
  shed: Partial<Record<ShedPart, number>>;
}

/** The parts of the state as stored, each with its budget (limits.ts PART_BUDGETS). */
export type Part = 'status' | 'doc' | 'sync' | 'outbox' | 'hidden' | 'baselines' | 'links';
/** What can be shed when the store is full, in the order it is (logic/budget.ts). */
export type ShedPart = 'links' | 'baselines' | 'outbox' | 'recent' | 'allow' | 'hidden';

export interface SyncState {
  doc: PublishedDoc | null;
  outbox: OutboxEntry[];
  /** The outbox overflowed or the ranges moved: the next run sends one snapshot instead. */
  resync: boolean;
  /** The published ranges moved with the data: PATCH them before anything else. */
  rangesChanged: boolean;
  cursor: Cursor;
  /** valuesHash of the published values the relay was last known to hold ('' when unknown). */
  checkHash: string;
  /** One per published range, same order. */
  baselines: Baseline[];
  /** formatHash of each published range's format as the relay last got it ([] when unknown). */
  formatHashes: string[];
  /** Per range, its rich-text links as last read ([] when unknown)… */
  links: (TextLinks | null)[];
  /** …and whether an edit, a move or hidden lines changed since, so that they must be read anew. */
  linksStale: boolean;
  /** Hidden rows and columns of the published ranges, as last read (values there go out empty). */
  hidden: Hidden;
  /** The hidden lines were too many to store: every run reads them again before sending. */
  hiddenUnsaved: boolean;
  status: Status;
  /** Set during a run when the relay answered 404 for the doc: it was unpublished elsewhere. Not stored. */
  unknownToRelay?: boolean;
}

export function emptyStatus(): Status {
  return { error: null, lastSentAt: null, day: '', sentToday: 0, recent: [], shed: {} };
}

export function emptyState(status: Status = emptyStatus()): SyncState {
  return { doc: null, outbox: [], resync: false, rangesChanged: false, cursor: { range: 0, row: 0 }, checkHash: '', baselines: [], formatHashes: [], links: [], linksStale: true, hidden: {}, hiddenUnsaved: false, status };
}

function parse<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Every value is chunked under the 9 KB property limit, whatever it holds. */
export function encodeState(state: SyncState): PropertyMap {
  const map: PropertyMap = {};
  writeBlob(map, 'status', JSON.stringify(state.status));
  if (!state.doc) return map;
  // A restricted share's allow list alone may pass 9 KB.
  writeBlob(map, 'doc', JSON.stringify(state.doc));
  map['sync'] = JSON.stringify({ resync: state.resync, rangesChanged: state.rangesChanged, cursor: state.cursor, checkHash: state.checkHash, formatHashes: state.formatHashes, hiddenUnsaved: state.hiddenUnsaved, linksStale: state.linksStale });
  if (state.outbox.length > 0) writeBlob(map, 'outbox', JSON.stringify(state.outbox));
  if (Object.keys(state.hidden).length > 0) writeBlob(map, 'hidden', JSON.stringify(state.hidden));
  if (state.links.some(Boolean)) writeBlob(map, 'links', JSON.stringify(state.links));
  state.baselines.forEach((baseline, i) => {
    if (baseline) writeBlob(map, `base${i}`, baseline);
  });
  return map;
}

/** A blob, or the plain JSON value an earlier version stored under the same key. */
function blobOrPlain(map: PropertyMap, key: string): string | null {
  return readBlob(map, key) ?? map[key] ?? null;
}

export function decodeState(map: PropertyMap): SyncState {
  const state = emptyState({ ...emptyStatus(), ...parse<Partial<Status>>(blobOrPlain(map, 'status'), {}) });
  state.doc = parse<PublishedDoc | null>(blobOrPlain(map, 'doc'), null);
  if (!state.doc) return state;
  const sync = parse<{ resync?: boolean; rangesChanged?: boolean; cursor?: Cursor; checkHash?: string; formatHashes?: string[]; hiddenUnsaved?: boolean; linksStale?: boolean }>(map['sync'], {});
  state.resync = sync.resync === true;
  state.rangesChanged = sync.rangesChanged === true;
  state.cursor = sync.cursor ?? state.cursor;
  state.checkHash = sync.checkHash ?? '';
  state.formatHashes = Array.isArray(sync.formatHashes) ? sync.formatHashes : [];
  state.hiddenUnsaved = sync.hiddenUnsaved === true;
  state.linksStale = sync.linksStale !== false;
  if (map['outbox'] !== undefined) {
    // An outbox that cannot be read back is not silently lost: the relay gets a snapshot instead.
    const outbox = parse<OutboxEntry[] | null>(readBlob(map, 'outbox'), null);
    if (Array.isArray(outbox)) state.outbox = outbox;
    else state.resync = true;
  }
  state.baselines = state.doc.ranges.map((_, i) => readBlob(map, `base${i}`) ?? '');
  state.hidden = parse<Hidden>(readBlob(map, 'hidden'), {});
  const links = parse<unknown>(readBlob(map, 'links'), []);
  state.links = Array.isArray(links) ? (links as (TextLinks | null)[]) : [];
  return state;
}
