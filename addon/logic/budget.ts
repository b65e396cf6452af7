// Document properties bounded in total, not only per value: Apps Script holds 500 KB per
// property store, and a write past it fails whole. Each part of the state has a budget; a part
// over its budget, or any part while the whole is over the store's, is shed in a safe order —
// what the add-on can rebuild first — and every shedding is counted and said in the sidebar.

import { utf8Bytes, type PropertyMap } from './blob.ts';
import { PART_BUDGETS, STORE_BUDGET_BYTES } from './limits.ts';
import { encodeState, type Part, type ShedPart, type SyncState } from './state.ts';
import { currentError, noteError } from './status.ts';

const STORAGE_FULL = "This spreadsheet's storage for Sheetcast was full, so Sheetcast"

/** What each shedding costs the publisher, in the sidebar's words; `n` is how often it happened. */
const SAID: Record<ShedPart, (n: string) => string> = {
  links: (n) => `does not keep the links it read, so it reads them again with every format change (${n}).`,
  baselines: (n) => `dropped its record of what it last sent (${n}); edits still go out, and the hourly check repairs any that Google did not report.`,
  outbox: (n) => `replaced the batches waiting for the relay with one snapshot of the current values, sent once the relay answers (${n}).`,
  recent: (n) => `cleared its list of recent sends (${n}).`,
  allow: (n) => `keeps the list of people allowed to view on the relay only, and reads it from there (${n}).`,
  hidden: (n) => `cannot keep the list of hidden rows and columns, so it reads them again on every edit, which makes edits slower (${n}).`,
};

/** Sheds in this order: what a later run rebuilds by itself first, what costs the publisher something last. */
const ORDER: readonly ShedPart[] = ['links', 'baselines', 'outbox', 'recent', 'allow', 'hidden'];

/** The part of the state a property belongs to (`base3.0` → baselines). */
function partOf(key: string): Part {
  const head = key.split('.')[0]!;
  return /^base\d+$/.test(head) ? 'baselines' : (head as Part);
}

/** UTF-8 bytes of keys and values per part, as the property store counts them. */
export function partSizes(map: PropertyMap): Record<Part, number> {
  const sizes: Record<string, number> = {};
  for (const [key, value] of Object.entries(map)) sizes[partOf(key)] = (sizes[partOf(key)] ?? 0) + utf8Bytes(key) + utf8Bytes(value);
  return sizes as Record<Part, number>;
}

/** The part a shedding takes from (the recent list lives in the status, the allow list in the doc). */
const FROM: Record<ShedPart, Part> = { links: 'links', baselines: 'baselines', outbox: 'outbox', recent: 'status', allow: 'doc', hidden: 'hidden' };

function canShed(state: SyncState, what: ShedPart): boolean {
  switch (what) {
    case 'links':
      return state.links.some(Boolean);
    case 'baselines':
      return state.baselines.some(Boolean);
    case 'outbox':
      return state.outbox.length > 0;
    case 'recent':
      return state.status.recent.length > 0;
    case 'allow':
      return (state.doc?.allow.length ?? 0) > 0;
    case 'hidden':
      return Object.keys(state.hidden).length > 0;
  }
}

function shed(state: SyncState, what: ShedPart): void {
  switch (what) {
    case 'links':
      state.links = [];
      state.linksStale = true;
      break;
    case 'baselines':
      state.baselines = state.baselines.map(() => '');
      break;
    case 'outbox':
      state.outbox = [];
      state.resync = true;
      break;
    case 'recent':
      state.status.recent = [];
      break;
    case 'allow':
      state.doc = { ...state.doc!, allow: [], allowOnRelay: true };
      break;
    case 'hidden':
      // Never forgotten for the values' sake: every run reads the hidden lines again before it sends.
      state.hidden = {};
      state.hiddenUnsaved = true;
      break;
  }
}

/** The next part to shed: one over its own budget, else, while the whole is over, the first in ORDER. */
function nextToShed(state: SyncState, map: PropertyMap): ShedPart | null {
  const sizes = partSizes(map);
  const over = ORDER.find((what) => (sizes[FROM[what]] ?? 0) > PART_BUDGETS[FROM[what]] && canShed(state, what));
  if (over) return over;
  const total = Object.values(sizes).reduce((sum, n) => sum + n, 0);
  return total > STORE_BUDGET_BYTES ? (ORDER.find((what) => canShed(state, what)) ?? null) : null;
}

/**
 * The properties to store for `state`, within every budget. Each shedding is applied to the
 * state (so this run's later work sees it), counted in the status and said as its error.
 */
export function encodeBounded(state: SyncState, now: number): PropertyMap {
  let map = encodeState(state);
  let shedNow = false;
  for (let what = nextToShed(state, map); what; what = nextToShed(state, map)) {
    shed(state, what);
    state.status.shed = { ...state.status.shed, [what]: (state.status.shed[what] ?? 0) + 1 };
    shedNow = true;
    map = encodeState(state);
  }
  if (shedNow) {
    // Everything shed so far, not only now: what the publisher was told before stays said.
    const said = ORDER.flatMap((what) => {
      const count = state.status.shed[what];
      return count ? [SAID[what](count === 1 ? 'once so far' : `${count} times so far`)] : [];
    });
    const full = `${STORAGE_FULL} ${said.join(' It also ')}`;
    // A problem this run already noted (the relay unreachable…) stays said, before this.
    const earlier = (currentError(state.status)?.message ?? '').split(STORAGE_FULL)[0]!.trim();
    noteError(state.status, earlier ? `${earlier} ${full}` : full, now);
    map = encodeState(state);
  }
  return map;
}
