// Nothing is lost while the relay is unreachable: the built add-on's outbox in document
// properties, re-sent in order with the same batchIds, bounded by a resync snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeltaFrame, EditsRequest } from '../protocol/wire.ts';
import { api, connectViewer, eventually, snapshotOf } from './helpers/index.ts';
import { messageOf, type AppsScriptHarness, type Execution, type FetchRecord } from './apps-script/harness.ts';
import { ADDON_CLIENT_ID, EDITOR, ok, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';
import { gridCells } from './apps-script/viewer-cells.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

function publish(sheet: AppsScriptHarness): string {
  return sheet.run(PUBLISHER, 'publish', { title: 'Tally', ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }], access: 'link', allow: [] }).shareId!;
}

function batchIds(fetches: FetchRecord[]): string[] {
  return fetches.filter((f) => f.url.endsWith('/edits')).map((f) => (JSON.parse(f.payload!) as EditsRequest).batchId);
}

/** The sheet's published values equal what the relay serves to viewers. */
async function relayEqualsSheet(sheet: AppsScriptHarness, shareId: string): Promise<void> {
  const values = sheet.spreadsheet.sheet('Sheet1').getRange('A1:C3').getDisplayValues();
  await eventually(async () => {
    const snapshot = await snapshotOf(world.relay, shareId);
    expect(gridCells(snapshot.ranges)).toEqual(gridCells([{ sheet: 'Sheet1', range: 'A1:C3', values }]));
  });
}

describe('the outbox', () => {
  it('delivers edits made while the relay was stopped in order, once each, and the viewer ends equal to the sheet', async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet);
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'before'));
    const viewer = await connectViewer(world.relay, shareId);
    const snapshot = await viewer.next('snapshot');
    expect(snapshot.ranges[0]!.values[0]![0]).toBe('before');

    await world.relay.stop();
    // The edit trigger's runs (Google also fires the change trigger, which does nothing for an edit).
    const offline = ok([
      ...sheet.edit(EDITOR, 'Sheet1', 'A1', 'one'),
      ...sheet.edit(EDITOR, 'Sheet1', 'B1', 'two'),
      ...sheet.edit(EDITOR, 'Sheet1', 'A1', 'three'),
      ...sheet.edit(EDITOR, 'Sheet1', 'C2', 'four'),
    ]).filter((run) => run.handler === 'onSheetEdit');
    // One attempt per edit, never more, while the relay does not answer.
    for (const run of offline) expect(run.fetches.map((f) => f.status)).toEqual([null]);
    const waiting = sheet.run(PUBLISHER, 'getState');
    expect(waiting.pending).toBe(4);
    expect(waiting.lastError).toMatch(/Could not reach the relay/);

    await world.relay.restart();
    const back = ok(sheet.edit(EDITOR, 'Sheet1', 'C3', 'five'));
    expect(back[0]!.fetches.map((f) => f.status)).toEqual([200, 200, 200, 200, 200]);
    // Each offline run retried the oldest waiting batch with its own batchId; the first run
    // back sends all four, oldest first, then its own.
    const oldest = batchIds(offline[0]!.fetches)[0]!;
    expect(offline.map((run) => batchIds(run.fetches)[0])).toEqual([oldest, oldest, oldest, oldest]);
    const resent = batchIds(back[0]!.fetches);
    expect(resent[0]).toBe(oldest);
    expect(new Set(resent).size).toBe(5);

    const resumed = await connectViewer(world.relay, shareId, { epoch: snapshot.epoch, seq: snapshot.seq });
    const deltas: DeltaFrame[] = [];
    for (let i = 0; i < 5; i++) deltas.push(await resumed.next('delta'));
    expect(deltas.map((d) => d.seq)).toEqual([1, 2, 3, 4, 5].map((n) => snapshot.seq + n));
    expect(deltas.map((d) => d.changes.flatMap((c) => c.values.flat().filter((v) => v !== null)))).toEqual([['one'], ['two'], ['three'], ['four'], ['five']]);
    expect(resumed.frames.filter((f) => f.type === 'snapshot')).toEqual([]);
    await relayEqualsSheet(sheet, shareId);
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.pending).toBe(0);
    expect(state.lastError).toBeNull();
    resumed.close();
  });

  // Google does not document that a time-driven add-on run has the spreadsheet: both ways.
  it.each([
    { document: true, sends: [['POST', 200]] },
    { document: false, sends: [] },
  ])('is delivered by the hourly check when no edit follows, if it runs with the document ($document), else by the next edit', async ({ document, sends }) => {
    const sheet = world.spreadsheet();
    sheet.clockHasDocument = document;
    const shareId = publish(sheet);
    await world.relay.stop();
    ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'while down'));
    await world.relay.restart();
    const check = ok(sheet.tick());
    expect(check[0]!.fetches.map((f) => [f.method, f.status])).toEqual(sends);
    if (!document) ok(sheet.edit(EDITOR, 'Sheet1', 'C3', 'next'));
    await relayEqualsSheet(sheet, shareId);
  });

  it('gives way to one snapshot when it outgrows its bound', async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet);
    await world.relay.stop();
    const long = (tag: string) => Array.from({ length: 3 }, (_, r) => Array.from({ length: 3 }, (_, c) => `${tag}${r}${c}:`.padEnd(5_000, tag)));
    for (const tag of ['a', 'b', 'c']) ok(sheet.edit(EDITOR, 'Sheet1', 'A1:C3', long(tag)));
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.pending).toBe(0);
    expect(state.resync).toBe(true);
    // Every property value stayed under Apps Script's 9 KB limit (the fake throws otherwise).
    expect(sheet.properties.document.bytes()).toBeLessThan(500 * 1024);

    await world.relay.restart();
    ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'last'));
    const last = sheet.executions.filter((e) => e.handler === 'onSheetEdit').at(-1)!;
    expect(last.fetches.map((f) => [f.method, f.status])).toEqual([['PUT', 200]]);
    await relayEqualsSheet(sheet, shareId);
    expect(sheet.run(PUBLISHER, 'getState').resync).toBe(false);
  });

  it("says in the sidebar, and counts, when Google refuses to read or save its record, and catches up once it may", async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet);
    // The publisher's runs spent the day's properties quota but one call: this run reads its state, then cannot save it.
    const quota = sheet.properties.quota;
    quota.used.set(PUBLISHER, quota.perDay - 1);
    const [saved] = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'sent, not recorded'));
    expect(saved!.fetches.map((f) => f.status)).toEqual([200]);
    // Another editor's sidebar runs on their own quota.
    expect(sheet.run(EDITOR, 'getState').lastError).toMatch(/could not save its record .*Service invoked too many times for one day: properties.*once/);
    ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'not even read'));
    expect(sheet.run(EDITOR, 'getState').lastError).toMatch(/could not read its record .*2 times/);

    // A new day: the next edit sends its own cell and what the refused runs could not record.
    quota.used.clear();
    ok(sheet.edit(EDITOR, 'Sheet1', 'B3', 'next day'));
    await relayEqualsSheet(sheet, shareId);
    expect(sheet.run(PUBLISHER, 'getState').lastError).toBeNull();
  });

  it('loses nothing when Google kills a run at 6 minutes, before it could save', async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet);
    // A slow day inside Google: every service call takes 40 s, so the run is killed after its fetch, at its save.
    sheet.runtime.callMs = 40_000;
    const [killed] = sheet.edit(EDITOR, 'Sheet1', 'A1', 'in a killed run');
    expect(killed!.killed).toBe(true);
    expect(messageOf(killed!.error)).toBe('Exceeded maximum execution time');
    sheet.runtime.callMs = 0;
    ok(sheet.edit(EDITOR, 'Sheet1', 'B2', 'next'));
    await relayEqualsSheet(sheet, shareId);
  });

  it('reports a batch the relay rejects in the sidebar and does not retry it', async () => {
    const sheet = world.spreadsheet();
    publish(sheet);
    const first = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'accepted'));
    const docId = /\/v1\/docs\/([^/]+)\/edits$/.exec(first[0]!.fetches[0]!.url)![1]!;
    const owner = world.google.idToken({ sub: `google-${PUBLISHER}`, email: PUBLISHER, aud: ADDON_CLIENT_ID, emailVerified: true });
    const rotated = await api(world.relay, 'POST', `/v1/docs/${docId}/rotate-key`, { token: owner });
    expect(rotated.status).toBe(200);

    const rejected = ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'refused'));
    expect(rejected[0]!.fetches.map((f) => f.status)).toEqual([401]);
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.lastError).toMatch(/The relay rejected an edit/);
    expect(state.pending).toBe(0);
    const next = ok(sheet.edit(EDITOR, 'Sheet1', 'A3', 'again'));
    expect(next[0]!.fetches).toHaveLength(1);
    expect(batchIds(next[0]!.fetches)).not.toContain(batchIds(rejected[0]!.fetches)[0]);
  });
});

describe('a doc changed on the relay', () => {
  function ownerToken(): string {
    return world.google.idToken({ sub: `google-${PUBLISHER}`, email: PUBLISHER, aud: ADDON_CLIENT_ID, emailVerified: true });
  }

  it('stops sending, and says so, once the relay no longer knows the doc', async () => {
    const sheet = world.spreadsheet();
    publish(sheet);
    const first = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'x'));
    const docId = /\/v1\/docs\/([^/]+)\/edits$/.exec(first[0]!.fetches[0]!.url)![1]!;
    expect((await api(world.relay, 'DELETE', `/v1/docs/${docId}`, { token: ownerToken() })).status).toBeLessThan(300);
    const refused = ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'y'));
    expect(refused[0]!.fetches.map((f) => f.status)).toEqual([404]);
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.published).toBe(false);
    expect(state.lastError).toMatch(/no longer knows this spreadsheet/);
    expect(sheet.triggers()).toEqual([]);
  });

  it('delivers again after publishing again, once the ingest key was rotated elsewhere', async () => {
    const sheet = world.spreadsheet();
    const shareId = publish(sheet);
    const first = ok(sheet.edit(EDITOR, 'Sheet1', 'A1', 'x'));
    const docId = /\/v1\/docs\/([^/]+)\/edits$/.exec(first[0]!.fetches[0]!.url)![1]!;
    await api(world.relay, 'POST', `/v1/docs/${docId}/rotate-key`, { token: ownerToken() });
    expect(ok(sheet.edit(EDITOR, 'Sheet1', 'A2', 'refused'))[0]!.fetches.map((f) => f.status)).toEqual([401]);
    expect(publish(sheet)).toBe(shareId);
    expect(ok(sheet.edit(EDITOR, 'Sheet1', 'A3', 'healed'))[0]!.fetches.map((f) => f.status)).toEqual([200]);
    await relayEqualsSheet(sheet, shareId);
    expect(sheet.run(PUBLISHER, 'getState').lastError).toBeNull();
  });
});
