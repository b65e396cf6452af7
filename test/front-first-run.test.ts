// The add-on's first run, through the built bundle in the Apps Script harness: installing it from
// the Marketplace (onInstall) builds the menu and opens the sidebar, which says the one next step
// and whether this browser can reach the relay; its calls are answered by the harness, which
// talks to the real relay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, screenshot, SCRIPT_RUN_VIA_HARNESS, useBrowserWith } from './helpers/browser.ts';
import { eventually } from './helpers/index.ts';
import type { AppsScriptHarness } from './apps-script/harness.ts';
import { PUBLISHER, startAddonWorld } from './apps-script/setup.ts';

const world = useBrowserWith(() => startAddonWorld({ sidebar: true }), (started) => started.close(), { build: false });

function install(sheet: AppsScriptHarness) {
  return sheet.execute('onInstall', { effectiveUser: PUBLISHER, authMode: 'FULL' }, { authMode: 'FULL', source: sheet.spreadsheet });
}

/** The sidebar the harness was asked to show, in Chromium, its server calls run by the harness. */
async function showSidebar(sheet: AppsScriptHarness, content: string, before?: (page: Page) => Promise<unknown>): Promise<Page & { errors: string[] }> {
  const site = await world.serveSite({ '/sidebar': { body: content } });
  const page = await openPage(world.browser, { viewport: { width: 300, height: 760 } });
  await page.addInitScript(SCRIPT_RUN_VIA_HARNESS);
  await page.exposeFunction('appsScript', (name: string, args: string) => JSON.stringify(sheet.run(PUBLISHER, name as 'getState', ...(JSON.parse(args) as []))));
  await before?.(page);
  await page.goto(`${site.url}/sidebar`);
  return page;
}

const firstRun = (page: Page) => page.locator('sheetcast-first-run');

describe('installing the add-on', () => {
  it('builds the menu and opens the sidebar, which says to select a range, then Publish', async () => {
    const sheet = world.spreadsheet({ name: 'Club ladder' });
    sheet.edit(PUBLISHER, 'Sheet1', 'A1:B2', [
      ['Player', 'Wins'],
      ['Ana', '4'],
    ]);
    const execution = install(sheet);
    expect(execution.error).toBeUndefined();
    expect(sheet.ui.menus.map((m) => m.items.map((i) => i.caption))).toEqual([['Open Sheetcast', 'Publish the selection', 'Stop publishing']]);
    expect(sheet.ui.sidebars).toHaveLength(1);
    const [shown] = sheet.ui.sidebars;
    expect(shown!.title).toBe('Sheetcast');
    expect(shown!.content).toBe(readFileSync(join(world.dir, 'Sidebar.html'), 'utf8'));

    const page = await showSidebar(sheet, shown!.content);
    await eventually(async () => expect(await firstRun(page).locator('.step').textContent()).toBe('Next step: select a range in the sheet, then Publish.'));
    const reach = await firstRun(page).evaluate((el) => (el as unknown as { check(): Promise<string> }).check());
    expect(reach).toBe('reachable');
    expect(await page.locator('sheetcast-sidebar [role=alert]').count()).toBe(0);
    await screenshot(page, 'addon-first-run');

    // The step, done: the guidance gives way to the live link.
    sheet.select('Sheet1', 'A1:B2');
    const sidebar = page.locator('sheetcast-sidebar');
    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await eventually(async () => expect(await sidebar.locator('li > span').allTextContents()).toEqual(['Sheet1!A1:B2']));
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await sidebar.locator('[role=status]').textContent()).toBe('Live'));
    expect(await firstRun(page).count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  it('opens no sidebar when a document opens before the add-on is used there (AuthMode.NONE)', () => {
    const sheet = world.spreadsheet();
    const execution = sheet.open(PUBLISHER, 'NONE');
    expect(execution.error).toBeUndefined();
    expect(sheet.ui.menus).toHaveLength(1);
    expect(sheet.ui.sidebars).toEqual([]);
  });
});

describe('a relay this browser cannot reach', () => {
  it('is said in words, with the relay named, until a check finds it again', async () => {
    const sheet = world.spreadsheet();
    install(sheet);
    const relayHost = new URL(world.relay.url).host;
    // As a network or an organisation's filter that blocks the relay's host would.
    const blocked = `${world.relay.url}/healthz`;
    const page = await showSidebar(sheet, sheet.ui.sidebars[0]!.content, (p) => p.route(blocked, (route) => route.abort('blockedbyclient')));
    const alert = firstRun(page).locator('[role=alert]');
    await eventually(async () => expect(await alert.innerText({ timeout: 500 })).toContain(`cannot reach the Sheetcast relay at ${relayHost}`));
    expect(await alert.innerText()).toContain('your network or your organisation may block it');
    await screenshot(page, 'addon-first-run-unreachable');

    await page.unroute(blocked);
    await firstRun(page).getByRole('button', { name: 'Check again' }).click();
    await eventually(async () => expect(await alert.count()).toBe(0));
    // Still unpublished: the next step stays.
    expect(await firstRun(page).locator('.step').count()).toBe(1);
  });
});
