// The sidebar's server functions: publish, stop, state, selection.

import { Limits, type DocInfo, type PublishedRange, type PublishResponse, type ViewSettings } from '../protocol/wire.ts';
import type { PublishOptions, SidebarState } from '../protocol/sidebar.ts';
import { RELAY_URL } from './config.ts';
import { emptyState, type PublishedDoc } from './logic/state.ts';
import { currentError, noteError, sentToday } from './logic/status.ts';
import { clockWithoutDocumentAt, lastFailure, loadState, saveState, type Loaded } from './gas/properties.ts';
import { callRelay, identityToken, messageOf } from './gas/relay.ts';
import { runningAs, today, withDocumentLock } from './gas/session.ts';
import { activeSpreadsheet, removeAnchors, resolveRanges, selection, setAnchors } from './gas/sheets.ts';
import { ensureTriggers, removeTriggers, triggersInstalled } from './gas/triggers.ts';
import { catchUp, followHidden } from './sync.ts';

const LOCK_WAIT_MS = 30_000;

function locked(work: () => void): void {
  withDocumentLock(LOCK_WAIT_MS, work, () => {
    throw new Error('Sheetcast is busy sending edits; try again in a moment.');
  });
}

function published(loaded: Loaded): loaded is Loaded & { state: { doc: PublishedDoc } } {
  return loaded.state.doc !== null;
}

function validate(options: PublishOptions, fallbackTitle: string): Required<PublishOptions> {
  if (!options || !Array.isArray(options.ranges) || options.ranges.length === 0) throw new Error('Choose at least one range to publish.');
  if (options.ranges.length > Limits.rangesPerDoc) throw new Error(`At most ${Limits.rangesPerDoc} ranges can be published.`);
  const title = (options.title ?? '').trim() || fallbackTitle;
  const access = options.access ?? 'link';
  if (access !== 'link' && access !== 'restricted') throw new Error('Access is either "link" or "restricted".');
  const allow = (options.allow ?? []).map((entry) => entry.trim()).filter(Boolean);
  if (access === 'restricted' && allow.length === 0) throw new Error('List the emails or @domains allowed to view.');
  return { title: title.slice(0, Limits.titleChars), ranges: options.ranges, access, allow, view: viewSettings(options.view) };
}

const SWITCHES = ['chrome', 'sort', 'search', 'board'] as const;

/** The view settings as the relay takes them: known switches as booleans, a known theme; nothing else. */
function viewSettings(view: ViewSettings | undefined): ViewSettings {
  const settings: ViewSettings = {};
  for (const name of SWITCHES) {
    const value = view?.[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new Error(`The view setting "${name}" is either on or off.`);
    settings[name] = value;
  }
  const theme = view?.theme;
  if (theme !== undefined && theme !== 'light' && theme !== 'dark' && theme !== 'auto') throw new Error('The theme is light, dark or automatic.');
  if (theme) settings.theme = theme;
  return settings;
}

/**
 * Publishes the ranges (or updates the doc when already published: same link), anchors
 * them, installs the triggers once, and sends the first snapshot.
 */
export function publish(options: PublishOptions): SidebarState {
  const ss = activeSpreadsheet();
  const wanted = validate(options, ss.getName());
  const ranges = resolveRanges(ss, wanted.ranges);
  locked(() => {
    const loaded = loadState();
    let doc = loaded.state.doc;
    const triggers = doc?.triggers ?? {};
    if (doc) {
      const answer = callRelay('patch', `/v1/docs/${encodeURIComponent(doc.docId)}`, identityToken(), JSON.stringify({ ...wanted, ranges }));
      if (answer.status === 404) doc = null; // unpublished elsewhere: publish afresh below
      else if (answer.outcome !== 'sent') throw new Error(`Could not update the published doc: ${answer.problem}`);
      else {
        // A fresh ingest key each time: publishing again heals a key rotated or lost elsewhere.
        const ingestKey = rotateKey(doc.docId);
        // New ranges start from nothing (new epoch); either way a fresh snapshot follows.
        const moved = JSON.stringify(doc.ranges) !== JSON.stringify(ranges);
        const base = moved ? emptyState(loaded.state.status) : loaded.state;
        loaded.state = { ...base, doc: { ...doc, ...wanted, ranges, ingestKey, allowOnRelay: false }, resync: true };
      }
    }
    if (!doc) {
      const body = JSON.stringify({ spreadsheetId: ss.getId(), ...wanted, ranges });
      const answer = callRelay('post', '/v1/docs', identityToken(), body);
      if (answer.outcome !== 'sent') throw new Error(`Could not publish: ${answer.problem}`);
      const { docId, shareId, ingestKey, viewUrl, embedUrl } = answer.body as PublishResponse;
      loaded.state = { ...emptyState(loaded.state.status), resync: true };
      loaded.state.doc = { docId, shareId, ingestKey, viewUrl, embedUrl, ...wanted, ranges, triggers };
    }
    setAnchors(ss, ranges);
    // The doc exists on the relay now: it is saved even when Google refuses a trigger, and the refusal is said.
    let refused: unknown = null;
    try {
      loaded.state.doc!.triggers = ensureTriggers(ss, triggers);
    } catch (error) {
      refused = error;
    }
    if (published(loaded)) {
      followHidden(ss, loaded.state);
      catchUp(ss, loaded.state);
    }
    // Noted after the snapshot's send, which would otherwise supersede it.
    if (refused) noteError(loaded.state.status, messageOf(refused), Date.now());
    saveState(loaded);
    if (refused) throw refused;
  });
  return getState();
}

function rotateKey(docId: string): string {
  const answer = callRelay('post', `/v1/docs/${encodeURIComponent(docId)}/rotate-key`, identityToken());
  if (answer.outcome !== 'sent') throw new Error(`Could not renew the doc's ingest key: ${answer.problem}`);
  return (answer.body as { ingestKey: string }).ingestKey;
}

/** Stops sending edits (triggers removed first), then tells the relay, which closes every view. */
export function unpublish(): SidebarState {
  const ss = activeSpreadsheet();
  locked(() => {
    const loaded = loadState();
    const doc = loaded.state.doc;
    removeTriggers(ss, doc?.triggers ?? {});
    if (!doc) return;
    const answer = callRelay('delete', `/v1/docs/${encodeURIComponent(doc.docId)}`, identityToken());
    if (answer.outcome !== 'sent' && answer.status !== 404) {
      throw new Error(`Edits are no longer sent, but the relay could not be told to stop: ${answer.problem} Press Stop again.`);
    }
    removeAnchors(ss);
    loaded.state = emptyState(loaded.state.status);
    saveState(loaded);
  });
  return getState();
}

export function useSelection(): PublishedRange {
  return selection(activeSpreadsheet());
}

/** Changes no trigger reports wait for the next edit when Google runs the hourly check without the spreadsheet. */
function clockNote(published: boolean): { message: string; at: number } | null {
  const at = published ? clockWithoutDocumentAt() : null;
  return at === null
    ? null
    : { message: 'Google ran the hourly check without access to this spreadsheet, so changes no trigger reports (formulas, other scripts) reach viewers with the next edit.', at };
}

/** An allow list too long for document properties, as the relay keeps it (the doc's owner asks); null with why when it cannot. */
function allowOnRelay(docId: string): { allow: string[] } | { problem: string } {
  const answer = callRelay('get', `/v1/docs/${encodeURIComponent(docId)}`, identityToken());
  if (answer.outcome !== 'sent') return { problem: `The list of allowed viewers is kept on the relay, which could not be asked for it: ${answer.problem}` };
  return { allow: (answer.body as DocInfo).allow };
}

export function getState(): SidebarState {
  const ss = activeSpreadsheet();
  const { state } = loadState();
  const doc = state.doc;
  const failure = lastFailure() ?? clockNote(state.doc !== null);
  const error = failure && failure.at > (state.status.lastSentAt ?? 0) ? failure : currentError(state.status);
  const relayAllow = doc?.allowOnRelay ? allowOnRelay(doc.docId) : null;
  return {
    published: doc !== null,
    title: doc?.title ?? ss.getName(),
    ranges: doc?.ranges ?? [],
    access: doc?.access ?? 'link',
    allow: relayAllow ? ('allow' in relayAllow ? relayAllow.allow : []) : (doc?.allow ?? []),
    view: doc?.view ?? {},
    shareId: doc?.shareId ?? null,
    viewUrl: doc?.viewUrl ?? null,
    embedUrl: doc?.embedUrl ?? null,
    sentToday: sentToday(state.status, today()),
    lastError: error ? error.message : relayAllow && 'problem' in relayAllow ? relayAllow.problem : null,
    relayUrl: RELAY_URL,
    user: runningAs(),
    embedSnippet: doc ? `<script src="${doc.embedUrl}" async></script>\n<sheetcast-view share="${doc.shareId}"></sheetcast-view>` : null,
    triggersInstalled: doc !== null && triggersInstalled(ss, doc.triggers ?? {}),
    pending: state.outbox.length,
    resync: state.resync,
    lastSentAt: state.status.lastSentAt,
    recent: state.status.recent,
  };
}
