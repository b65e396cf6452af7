// Document properties: the add-on's whole memory of a published doc, read once and written once per run.

import { propertyChanges, type PropertyMap } from '../logic/blob.ts';
import { decodeState, encodeState, type SyncState } from '../logic/state.ts';

export interface Loaded {
  state: SyncState;
  stored: PropertyMap;
}

export function loadState(): Loaded {
  const stored = PropertiesService.getDocumentProperties().getProperties() as PropertyMap;
  return { state: decodeState(stored), stored };
}

export function saveState(loaded: Loaded): void {
  const properties = PropertiesService.getDocumentProperties();
  const { set, remove } = propertyChanges(loaded.stored, encodeState(loaded.state));
  // Deletions first: they free room in the 500 KB store for what is set next.
  for (const key of remove) properties.deleteProperty(key);
  if (Object.keys(set).length > 0) properties.setProperties(set);
  loaded.stored = { ...loaded.stored, ...set };
  for (const key of remove) delete loaded.stored[key];
}
