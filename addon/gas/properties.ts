// Document properties: the add-on's whole memory of a published doc, read once and written once per run.

import { propertyChanges, type PropertyMap } from '../logic/blob.ts';
import { encodeBounded } from '../logic/budget.ts';
import { decodeState, type SyncState } from '../logic/state.ts';

/** Where the last failure to read or save document properties waits for the sidebar. */
const FAILURE_KEY = 'sheetcast.failure';
/** The longest a document cache entry lives (CacheService: 21,600 s). */
const FAILURE_SECONDS = 21_600;

export interface Failure {
  message: string;
  at: number;
  count: number;
}

export interface Loaded {
  state: SyncState;
  stored: PropertyMap;
  /** The store it came from, kept: asking for it again is another service call. */
  properties: GoogleAppsScript.Properties.Properties;
}

export function loadState(): Loaded {
  const properties = PropertiesService.getDocumentProperties();
  const stored = properties.getProperties() as PropertyMap;
  return { state: decodeState(stored), stored, properties };
}

export function saveState(loaded: Loaded): void {
  const properties = loaded.properties;
  const { set, remove } = propertyChanges(loaded.stored, encodeBounded(loaded.state, Date.now()));
  // Deletions first: they free room in the 500 KB store for what is set next.
  for (const key of remove) properties.deleteProperty(key);
  if (Object.keys(set).length > 0) properties.setProperties(set);
  loaded.stored = { ...loaded.stored, ...set };
  for (const key of remove) delete loaded.stored[key];
}

/**
 * Google refused to read or save the properties (a daily quota, an outage): the failure goes
 * to the document cache, which has no daily quota, counted, for the sidebar to show. Nothing
 * else is needed for the edits: what was not recorded as sent differs from the last saved
 * baseline, so a later run's repair pass sends it.
 */
export function rememberFailure(what: 'read' | 'save', problem: string): void {
  try {
    const cache = CacheService.getDocumentCache();
    if (!cache) return;
    const count = (lastFailure(cache)?.count ?? 0) + 1;
    const times = count === 1 ? 'once' : `${count} times`;
    const message = `Sheetcast could not ${what} its record of this spreadsheet (${problem}); this happened ${times} in the last hours. Edits made meanwhile are sent again once Google allows it.`;
    cache.put(FAILURE_KEY, JSON.stringify({ message, at: Date.now(), count }), FAILURE_SECONDS);
  } catch (error) {
    console.error(error);
  }
}

/** Where the publisher's own record says when an hourly check ran without any spreadsheet. */
const CLOCK_KEY = 'sheetcast.clockWithoutDocument';

/** The user's properties, not the document's: a run without a document has none of those. */
export function rememberClockWithoutDocument(): void {
  try {
    PropertiesService.getUserProperties().setProperty(CLOCK_KEY, String(Date.now()));
  } catch (error) {
    console.error(error);
  }
}

/** When the last hourly check ran without the spreadsheet, for the publisher's sidebar. */
export function clockWithoutDocumentAt(): number | null {
  const at = Number(PropertiesService.getUserProperties().getProperty(CLOCK_KEY));
  return at > 0 ? at : null;
}

export function lastFailure(cache: GoogleAppsScript.Cache.Cache | null = CacheService.getDocumentCache()): Failure | null {
  try {
    const text = cache?.get(FAILURE_KEY);
    return text ? (JSON.parse(text) as Failure) : null;
  } catch {
    return null;
  }
}
