// Compiled by the typecheck only (nothing imports it): callServer takes a server function's
// arguments and answers its result exactly as protocol/sidebar.ts states them.
import type { PublishedRange } from '../../protocol/wire.ts';
import type { SidebarState } from '../../protocol/sidebar.ts';
import { callServer } from './server.ts';

export function checked(): [Promise<SidebarState>, Promise<PublishedRange>, Promise<SidebarState>] {
  return [callServer('getState'), callServer('useSelection'), callServer('publish', { ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] })];
}

export function refused(): void {
  // @ts-expect-error the add-on has no such function
  void callServer('deleteEverything');
  // @ts-expect-error ranges are { sheet, range } pairs, not A1 text
  void callServer('publish', { ranges: 'Sheet1!A1:B2' });
  // @ts-expect-error publish needs its options
  void callServer('publish');
  // @ts-expect-error getState takes no arguments
  void callServer('getState', 'now');
  // @ts-expect-error useSelection answers a range, not the state
  const state: Promise<SidebarState> = callServer('useSelection');
  void state;
}
