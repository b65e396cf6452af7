// Publishing from the add-on, through the built bundle in the Apps Script harness, against the real relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectViewer, snapshotOf } from './helpers/index.ts';
import { PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('publishing', () => {
  it('publishes the chosen ranges and sends their values as the first snapshot', async () => {
    const sheet = world.spreadsheet();
    sheet.edit(PUBLISHER, 'Sheet1', 'A1:B2', [
      ['Team', 'Score'],
      ['Reds', '3'],
    ]);
    const state = sheet.run(PUBLISHER, 'publish', { title: 'Match', ranges: [{ sheet: 'Sheet1', range: 'A1:B3' }], access: 'link', allow: [] });
    expect(state.published).toBe(true);
    const snapshot = await snapshotOf(world.relay, state.shareId!);
    expect(snapshot.title).toBe('Match');
    expect(snapshot.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:B3', values: [['Team', 'Score'], ['Reds', '3'], ['', '']] }]);
    const viewer = await connectViewer(world.relay, state.shareId!);
    expect((await viewer.next('snapshot')).ranges[0]!.values[1]).toEqual(['Reds', '3']);
    viewer.close();
  });
});
