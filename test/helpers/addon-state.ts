// The add-on's state for a published doc, as its pure logic's tests start from.
import type { PublishedRange } from '../../protocol/wire.ts';
import { emptyState, type SyncState } from '../../addon/logic/state.ts';

export function publishedState(ranges: PublishedRange[] = [{ sheet: 'Sheet1', range: 'A1:C3' }]): SyncState {
  const state = emptyState();
  state.doc = {
    docId: 'doc1',
    shareId: 'share1',
    ingestKey: 'key',
    viewUrl: 'http://relay/view/share1',
    embedUrl: 'http://relay/embed.js',
    title: 'Scores',
    access: 'link',
    allow: [],
    ranges,
  };
  return state;
}
