// Publishing and stopping from the add-on's menu and sidebar functions, through the built
// bundle in the Apps Script harness, against the real relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { api, connectViewer, snapshotOf } from './helpers/index.ts';
import type { Execution } from './apps-script/harness.ts';
import { FakeTrigger, TRIGGERS_PER_USER } from './apps-script/script-app.ts';
import { ADDON_CLIENT_ID, EDITOR, PUBLISHER, startAddonWorld, type AddonWorld } from './apps-script/setup.ts';

let world: AddonWorld;
beforeAll(async () => {
  world = await startAddonWorld();
});
afterAll(async () => {
  await world?.close();
});

const RANGES = [{ sheet: 'Sheet1', range: 'A1:B3' }];

function ok(execution: Execution): Execution {
  if (execution.error !== undefined) throw execution.error;
  return execution;
}

function ourTriggers(sheet: ReturnType<AddonWorld['spreadsheet']>): string[] {
  return sheet
    .triggers()
    .map((t) => `${t.handler}:${t.event}${t.everyHours ? `/${t.everyHours}h` : ''}`)
    .sort();
}

describe('the menu', () => {
  it('is built on open in AuthMode.NONE without touching any other service', () => {
    const sheet = world.spreadsheet();
    const open = ok(sheet.open(EDITOR, 'NONE'));
    expect(open.fetches).toEqual([]);
    const items = sheet.ui.menus.flatMap((m) => m.items);
    expect(items.map((i) => i.caption)).toEqual(['Open Sheetcast', 'Publish the selection', 'Stop publishing']);
    for (const item of items) expect(sheet.hasFunction(item.functionName)).toBe(true);
  });

  it('opens the sidebar page from the build', () => {
    const sheet = world.spreadsheet();
    ok(sheet.open(PUBLISHER));
    ok(sheet.menu(PUBLISHER, 'Open Sheetcast'));
    expect(sheet.ui.sidebars).toHaveLength(1);
    expect(sheet.ui.sidebars[0]!.title).toBe('Sheetcast');
    expect(sheet.ui.sidebars[0]!.content).toContain('script.run');
  });

  it('publishes the selection and opens the sidebar', async () => {
    const sheet = world.spreadsheet({ name: 'Election night' });
    sheet.edit(PUBLISHER, 'Sheet1', 'B2', 'Yes');
    sheet.select('Sheet1', 'A1:C4');
    ok(sheet.open(PUBLISHER));
    ok(sheet.menu(PUBLISHER, 'Publish the selection'));
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.published).toBe(true);
    expect(state.title).toBe('Election night');
    expect(state.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:C4' }]);
    expect(sheet.ui.sidebars).toHaveLength(1);
    expect((await snapshotOf(world.relay, state.shareId!)).ranges[0]!.values[1]![1]).toBe('Yes');
  });

  it('stops publishing and says so', () => {
    const sheet = world.spreadsheet();
    sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    ok(sheet.open(PUBLISHER));
    ok(sheet.menu(PUBLISHER, 'Stop publishing'));
    expect(sheet.run(PUBLISHER, 'getState').published).toBe(false);
    expect(sheet.spreadsheet.toasts.at(-1)).toMatch(/stopped publishing/);
  });
});

describe('publishing', () => {
  it('publishes the chosen ranges and sends their values as the first snapshot', async () => {
    const sheet = world.spreadsheet();
    sheet.edit(PUBLISHER, 'Sheet1', 'A1:B2', [
      ['Team', 'Score'],
      ['Reds', '3'],
    ]);
    const state = sheet.run(PUBLISHER, 'publish', { title: 'Match', ranges: RANGES, access: 'link', allow: [] });
    expect(state.published).toBe(true);
    const snapshot = await snapshotOf(world.relay, state.shareId!);
    expect(snapshot.title).toBe('Match');
    expect(snapshot.ranges).toEqual([{ sheet: 'Sheet1', range: 'A1:B3', values: [['Team', 'Score'], ['Reds', '3'], ['', '']], format: { styles: [], widths: [100, 100] } }]);
    const viewer = await connectViewer(world.relay, state.shareId!);
    expect((await viewer.next('snapshot')).ranges[0]!.values[1]).toEqual(['Reds', '3']);
    viewer.close();
  });

  it('creates the edit, change and hourly triggers once, however often publish is pressed', () => {
    const sheet = world.spreadsheet();
    const first = sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    expect(ourTriggers(sheet)).toEqual(['hourlyCheck:CLOCK/1h', 'onSheetChange:ON_CHANGE', 'onSheetEdit:ON_EDIT']);
    const again = sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    expect(ourTriggers(sheet)).toEqual(['hourlyCheck:CLOCK/1h', 'onSheetChange:ON_CHANGE', 'onSheetEdit:ON_EDIT']);
    expect(again.shareId).toBe(first.shareId);
    expect(again.triggersInstalled).toBe(true);
    for (const trigger of sheet.triggers()) expect(trigger.user).toBe(PUBLISHER);
  });

  // ScriptApp.getUserTriggers(spreadsheet) may or may not list time-driven triggers: both ways.
  it.each([true, false])(
    'holds one trigger of each kind however often publish is pressed, and stop removes all three (time-driven listed with the spreadsheet: %s)',
    (listed) => {
      const sheet = world.spreadsheet();
      sheet.scriptApp.listsClockTriggers = listed;
      sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
      sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: [{ sheet: 'Sheet1', range: 'A1:C3' }], access: 'link', allow: [] });
      expect(ourTriggers(sheet)).toEqual(['hourlyCheck:CLOCK/1h', 'onSheetChange:ON_CHANGE', 'onSheetEdit:ON_EDIT']);
      expect(sheet.run(PUBLISHER, 'getState').triggersInstalled).toBe(true);
      sheet.run(PUBLISHER, 'unpublish');
      expect(sheet.triggers()).toEqual([]);
    },
  );

  it('says so, and keeps the doc, when Google refuses a trigger because the publisher holds 20 across their spreadsheets', () => {
    const sheet = world.spreadsheet();
    // Six other published spreadsheets hold 18 of this user's triggers; the edit and change triggers fit, the hourly one does not.
    for (let i = 0; i < TRIGGERS_PER_USER - 2; i++) sheet.scriptApp.triggers.push(new FakeTrigger(`other-${i}`, 'onSheetEdit', 'ON_EDIT', PUBLISHER, `other-doc-${i}`, null));
    expect(() => sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] })).toThrow(/20 Sheetcast triggers across all their spreadsheets/);
    const state = sheet.run(PUBLISHER, 'getState');
    expect(state.published).toBe(true);
    expect(state.triggersInstalled).toBe(false);
    expect(state.lastError).toMatch(/Stop publishing a spreadsheet you no longer need/);
    // One spreadsheet stopped elsewhere frees room: publishing again completes the set.
    sheet.scriptApp.triggers.splice(0, 3);
    expect(sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] }).triggersInstalled).toBe(true);
  });

  it('keeps the link when published again with other ranges, and sends their snapshot', async () => {
    const sheet = world.spreadsheet();
    sheet.edit(PUBLISHER, 'Sheet1', 'D4', 'new');
    const first = sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    const second = sheet.run(PUBLISHER, 'publish', { title: 'Renamed', ranges: [{ sheet: 'Sheet1', range: 'C3:D4' }], access: 'link', allow: [] });
    expect(second.shareId).toBe(first.shareId);
    const snapshot = await snapshotOf(world.relay, second.shareId!);
    expect(snapshot.title).toBe('Renamed');
    expect(snapshot.ranges).toEqual([{ sheet: 'Sheet1', range: 'C3:D4', values: [['', ''], ['', 'new']], format: { styles: [], widths: [100, 100] } }]);
  });

  it('publishes a restricted share with a long allow list, which is saved and delivers edits', async () => {
    const sheet = world.spreadsheet();
    // 500 entries (the relay's limit), 18 KB of JSON: twice what one property value may hold.
    const allow = Array.from({ length: 500 }, (_, i) => `viewer-number-${i}@example.com`);
    const state = sheet.run(PUBLISHER, 'publish', { title: 'Members', ranges: RANGES, access: 'restricted', allow });
    expect(state.allow).toEqual(allow);
    expect(sheet.run(PUBLISHER, 'getState').allow).toHaveLength(500);
    const [edit] = sheet.edit(EDITOR, 'Sheet1', 'A1', 'members only');
    expect(edit!.fetches.map((f) => f.status)).toEqual([200]);
    const owner = world.google.idToken({ sub: `google-${PUBLISHER}`, email: PUBLISHER, aud: ADDON_CLIENT_ID, emailVerified: true });
    const docId = /\/v1\/docs\/([^/]+)\/edits$/.exec(edit!.fetches[0]!.url)![1]!;
    expect((await api(world.relay, 'GET', `/v1/docs/${docId}`, { token: owner })).status).toBe(200);
  });

  it('answers with the selection as a sheet and a bounded range', () => {
    const sheet = world.spreadsheet();
    sheet.spreadsheet.insertSheet('Totals');
    sheet.select('Totals', 'B2:D9');
    expect(sheet.run(EDITOR, 'useSelection')).toEqual({ sheet: 'Totals', range: 'B2:D9' });
  });

  it('refuses a range on a sheet that does not exist, in words', () => {
    const sheet = world.spreadsheet();
    expect(() => sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: [{ sheet: 'Nope', range: 'A1' }], access: 'link', allow: [] })).toThrow(
      'There is no sheet named "Nope".',
    );
    expect(sheet.triggers()).toEqual([]);
  });

  it("reports the relay's reason when it refuses to publish", () => {
    const sheet = world.spreadsheet({
      identityToken: (email) => world.google.idToken({ sub: `google-${email}`, email, aud: 'someone-elses-client', emailVerified: true }),
    });
    expect(() => sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] })).toThrow(/Could not publish: .*HTTP 401/);
    expect(sheet.run(PUBLISHER, 'getState').published).toBe(false);
    expect(sheet.triggers()).toEqual([]);
  });

  it('shows the link, the embed snippet and the sends of today, never the ingest key', () => {
    const sheet = world.spreadsheet();
    const state = sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    const edit = sheet.edit(EDITOR, 'Sheet1', 'A1', 'x');
    const ingestKey = edit[0]!.fetches[0]!.headers['authorization']!.replace('Bearer ', '');
    const after = sheet.run(PUBLISHER, 'getState');
    expect(after.viewUrl).toBe(state.viewUrl);
    expect(after.embedSnippet).toContain(`share="${state.shareId}"`);
    expect(after.embedSnippet).toContain(state.embedUrl!);
    expect(after.sentToday).toBe(2); // the first snapshot and the edit
    expect(after.recent.map((r) => r.kind)).toEqual(['snapshot', 'edits']);
    expect(JSON.stringify(after)).not.toContain(ingestKey);
  });
});

describe('sends of today', () => {
  it("are counted by the spreadsheet's day, not by UTC's", () => {
    // UTC+14 or UTC-12, whichever has another date than UTC right now.
    const timeZone = new Date().getUTCHours() >= 12 ? 'Pacific/Kiritimati' : 'Etc/GMT+12';
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
    expect(localDay).not.toBe(new Date().toISOString().slice(0, 10));
    const sheet = world.spreadsheet({ timeZone });
    sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    // Five sends earlier on the spreadsheet's day.
    const key = 'status.0';
    const stored = JSON.parse(sheet.properties.document.map.get(key)!) as { day: string; sentToday: number };
    sheet.properties.document.map.set(key, JSON.stringify({ ...stored, day: localDay, sentToday: 5 }));
    sheet.edit(EDITOR, 'Sheet1', 'A1', 'x');
    expect(sheet.run(PUBLISHER, 'getState').sentToday).toBe(6);
  });
});

describe('other editors', () => {
  it("see the publication in their sidebar but cannot change or stop someone else's", () => {
    const sheet = world.spreadsheet();
    const mine = sheet.run(PUBLISHER, 'publish', { title: 'Mine', ranges: RANGES, access: 'link', allow: [] });
    const theirs = sheet.run(EDITOR, 'getState');
    expect(theirs.shareId).toBe(mine.shareId);
    expect(theirs.user).toBe(EDITOR);
    expect(() => sheet.run(EDITOR, 'publish', { title: 'Taken', ranges: RANGES, access: 'link', allow: [] })).toThrow(/HTTP 403/);
    expect(() => sheet.run(EDITOR, 'unpublish')).toThrow(/could not be told to stop/);
    expect(sheet.run(PUBLISHER, 'getState').title).toBe('Mine');
    expect(ourTriggers(sheet)).toHaveLength(3);
  });
});

describe('stopping', () => {
  it('removes the triggers, tells the relay, and viewers are closed', async () => {
    const sheet = world.spreadsheet();
    const state = sheet.run(PUBLISHER, 'publish', { title: 'T', ranges: RANGES, access: 'link', allow: [] });
    const viewer = await connectViewer(world.relay, state.shareId!);
    await viewer.next('snapshot');
    const stopped = sheet.run(PUBLISHER, 'unpublish');
    expect(stopped.published).toBe(false);
    expect(sheet.triggers()).toEqual([]);
    expect(sheet.spreadsheet.getNamedRanges()).toEqual([]);
    expect((await viewer.closed).code).toBe(CloseCode.UnknownShare);
    expect((await api(world.relay, 'GET', `/v1/shares/${state.shareId}/snapshot`)).status).toBe(404);
    // Nothing fires any more: edits stay in the sheet.
    expect(sheet.edit(EDITOR, 'Sheet1', 'A1', 'private')).toEqual([]);
  });
});
