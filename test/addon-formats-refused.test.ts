// Formats never keep values from viewers: a snapshot whose formats the relay refuses is sent
// again without them, and the sidebar says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotOf } from './helpers/index.ts';
import { richText } from './apps-script/look.ts';
import { EDITOR, ok, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  // Requests of at most 4 KB: the values fit, the values with their long links do not.
  world = await startAddonWorld({ relayEnv: { SHEETCAST_MAX_BODY_BYTES: '4096' } });
});
afterAll(async () => {
  await world?.close();
});

describe('formats the relay refuses', () => {
  it('sends the snapshot again without formats, so viewers get the values, and says so', async () => {
    const sheet = world.spreadsheet();
    const s = sheet.spreadsheet.sheet('Sheet1');
    for (const [i, a1] of ['A1', 'B1', 'A2', 'B2'].entries()) s.range(a1).setRichTextValue(richText(`link ${i}`, [[0, 6, `https://example.com/${'x'.repeat(1_500)}/${i}`]]));
    const state = sheet.run(PUBLISHER, 'publish', { title: 'Links', ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }], access: 'link', allow: [] });
    const puts = sheet.fetches().filter((f) => f.method === 'PUT');
    expect(puts.map((f) => f.status)).toEqual([413, 200]);
    expect(puts[1]!.payload).not.toMatch(/"format"/);
    const snapshot = await snapshotOf(world.relay, state.shareId!);
    expect(snapshot.ranges[0]!.values).toEqual([
      ['link 0', 'link 1'],
      ['link 2', 'link 3'],
    ]);
    expect(state.lastError).toMatch(/refused the sheet's formats, so viewers get the values without them/);
    // Refused formats are compared against nothing: each later format change tries them again, the same look too, and says why it failed.
    for (const weight of ['bold', 'bold'] as const) {
      const [change] = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('A1').setFontWeight(weight)));
      expect(change!.fetches.map((f) => [f.method, f.status])).toEqual([['POST', 413]]);
    }
    expect(sheet.run(PUBLISHER, 'getState').lastError).toMatch(/The relay rejected an edit/);
  });
});
