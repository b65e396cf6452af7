// The add-on's document properties stay within Apps Script's 500 KB per store with every
// part of its state full at once: a long allow list, a waiting outbox, fingerprints of 20,000
// cells, thousands of hidden rows, a full status. What does not fit is shed in a safe order,
// and the sidebar says what, in words, with a count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTY_STORE_BYTES } from './apps-script/services.ts';
import { EDITOR, ok, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

const ROWS = 14_000;
/** 500 entries of 300 two-byte characters: about 300 KB of allow list, more than the doc record's budget. */
const ALLOW = Array.from({ length: 500 }, (_, i) => `${'é'.repeat(290)}${i}@example.com`);
const paste = (tag: string) => Array.from({ length: 100 }, (_, r) => Array.from({ length: 10 }, (_, c) => `${tag} "${r}:${c}"`));

describe('document properties bounded in total', () => {
  it('saves every run with every part full at once, shedding what does not fit and saying so in the sidebar', async () => {
    const sheet = world.spreadsheet();
    const s = sheet.spreadsheet.sheet('Sheet1');
    s.insertRowsAfter(1000, ROWS - 1000);
    s.getRange('A1:J2000').setValues(Array.from({ length: 2000 }, (_, r) => Array.from({ length: 10 }, (_, c) => `r${r}c${c}`)));
    s.getRange(`K1:K${ROWS}`).setValues(Array.from({ length: ROWS }, (_, r) => [r < 2000 ? `shown ${r}` : `secret ${r}`]));
    s.hideRows(2001, ROWS - 2000);
    const published = sheet.run(PUBLISHER, 'publish', {
      title: 'Full',
      ranges: [
        { sheet: 'Sheet1', range: 'A1:J2000' }, // 20,000 cells: fingerprints of all of them, 80 KB
        { sheet: 'Sheet1', range: `K1:K${ROWS}` }, // 12,000 hidden rows
      ],
      access: 'restricted',
      allow: ALLOW,
    });
    expect(Buffer.byteLength(JSON.stringify(ALLOW))).toBeGreaterThan(290_000);
    expect(published.lastError).toMatch(/storage for Sheetcast was full/);
    expect(published.allow).toEqual(ALLOW); // read back from the relay

    // The relay stops answering: three pastes wait in the outbox (about 80 KB as stored).
    await world.relay.stop();
    for (const tag of ['one', 'two', 'three']) ok(sheet.edit(EDITOR, 'Sheet1', 'A1:J100', paste(tag)));
    const store = sheet.properties.document;
    expect(store.bytes()).toBeLessThanOrEqual(PROPERTY_STORE_BYTES);
    const waiting = sheet.run(PUBLISHER, 'getState');
    expect(waiting.pending).toBe(3);
    // Said in words, with how often: the allow list kept on the relay, the hidden lines read again;
    // and the run's own problem is not hidden by it.
    expect(waiting.lastError).toMatch(/^Could not reach the relay/);
    expect(waiting.lastError).toMatch(/allowed to view on the relay only/);
    expect(waiting.lastError).toMatch(/reads them again on every edit.*\(\d+ times so far\)/);
    // Every run saved: no failure to save was recorded, and every edit is still held.
    expect(waiting.lastError).not.toMatch(/could not save/);
    expect([...store.map.keys()].filter((key) => key.startsWith('outbox.')).length).toBeGreaterThan(5);

    await world.relay.restart();
    const back = ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'back'))[0]!;
    expect(back.fetches.map((f) => f.status)).toEqual([200, 200, 200, 200]);
    for (const f of sheet.fetches()) expect(f.payload ?? '').not.toMatch(/secret/);
    const after = sheet.run(PUBLISHER, 'getState');
    expect(after.pending).toBe(0);
    expect(after.allow).toEqual(ALLOW);
    expect(store.bytes()).toBeLessThanOrEqual(PROPERTY_STORE_BYTES);
  });
});
