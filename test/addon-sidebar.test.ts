// The built Sidebar.html (the Lit sidebar inlined) in Chromium, its google.script.run calls
// answered by the built add-on in the Apps Script harness, which talks to the real relay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, screenshot, useBrowserWith, type StaticSite } from './helpers/browser.ts';
import { connectViewer, eventually } from './helpers/index.ts';
import type { AppsScriptHarness } from './apps-script/harness.ts';
import { EDITOR, PUBLISHER, startAddonWorld } from './apps-script/setup.ts';
import { viewerCells } from './apps-script/viewer-cells.ts';

// The add-on world builds the view bundles itself.
const world = useBrowserWith(() => startAddonWorld({ sidebar: true }), (started) => started.close(), { build: false });
let site: StaticSite;

// HtmlService's google.script.run: asynchronous calls of the add-on's top-level functions,
// answered through withSuccessHandler / withFailureHandler. Forwarded to the harness.
const SCRIPT_RUN = `
  function runner(onSuccess, onFailure) {
    return new Proxy({}, {
      get(_, name) {
        if (name === 'withSuccessHandler') return (fn) => runner(fn, onFailure);
        if (name === 'withFailureHandler') return (fn) => runner(onSuccess, fn);
        return (...args) =>
          window.appsScript(String(name), JSON.stringify(args)).then(
            (answer) => onSuccess && onSuccess(JSON.parse(answer)),
            (error) => onFailure && onFailure(new Error(String(error.message).replace(/^Error: /, ''))),
          );
      },
    });
  }
  window.google = { script: { run: runner() } };`;

beforeAll(async () => {
  site = await world.serveSite({ '/sidebar': { body: readFileSync(join(world.dir, 'Sidebar.html'), 'utf8') } });
});

async function openSidebar(sheet: AppsScriptHarness, user: string): Promise<Page & { errors: string[] }> {
  const page = await openPage(world.browser, { viewport: { width: 300, height: 760 } });
  await page.addInitScript(SCRIPT_RUN);
  await page.exposeFunction('appsScript', (name: string, args: string) => JSON.stringify(sheet.run(user, name as 'getState', ...(JSON.parse(args) as []))));
  await page.goto(`${site.url}/sidebar`);
  await eventually(async () => expect(await pill(page)).not.toBe('Loading…'));
  return page;
}

function pill(page: Page): Promise<string | null> {
  return page.locator('sheetcast-sidebar [role=status]').textContent();
}

describe('the sidebar from the build', () => {
  it('publishes the selection, and the edits that follow reach a viewer', async () => {
    const sheet = world.spreadsheet({ name: 'Club ladder' });
    sheet.edit(PUBLISHER, 'Sheet1', 'A1:B2', [
      ['Player', 'Wins'],
      ['Ana', '4'],
    ]);
    sheet.select('Sheet1', 'A1:B5');
    const page = await openSidebar(sheet, PUBLISHER);
    const sidebar = page.locator('sheetcast-sidebar');
    expect(await pill(page)).toBe('Not published');
    expect(await sidebar.locator('#title').inputValue()).toBe('Club ladder');

    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await eventually(async () => expect(await sidebar.locator('li > span').allTextContents()).toEqual(['Sheet1!A1:B5']));
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));

    const state = sheet.run(PUBLISHER, 'getState');
    expect(await sidebar.locator('#link').inputValue()).toBe(state.viewUrl);
    expect(await sidebar.locator('#embed').inputValue()).toBe(state.embedSnippet);
    const published = sidebar.locator('section', { has: page.getByRole('heading', { name: 'Published' }) });
    expect(await published.locator('li').allTextContents()).toEqual(['Sheet1!A1:B5']);
    expect(sheet.triggers()).toHaveLength(3);
    const viewer = await connectViewer(world.relay, state.shareId!);
    expect((await viewer.next('snapshot')).ranges[0]!.values[1]).toEqual(['Ana', '4']);
    sheet.edit(EDITOR, 'Sheet1', 'B2', '5');
    await eventually(() => expect(viewerCells(viewer.frames).get('Sheet1!B2')).toBe('5'));
    await screenshot(page, 'addon-sidebar-live');

    await sidebar.getByRole('button', { name: 'Stop publishing' }).click();
    await sidebar.getByRole('button', { name: 'Stop and remove the page' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Not published'));
    expect((await viewer.closed).code).toBe(4404);
    expect(sheet.triggers()).toEqual([]);
    expect(page.errors).toEqual([]);
  });

  it("shows the add-on's refusal in words", async () => {
    const sheet = world.spreadsheet();
    sheet.spreadsheet.insertSheet('Hidden');
    sheet.select('Hidden', 'A1:A3');
    const page = await openSidebar(sheet, PUBLISHER);
    const sidebar = page.locator('sheetcast-sidebar');
    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    sheet.spreadsheet.deleteSheet(sheet.spreadsheet.sheet('Hidden') as never);
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await page.locator('sheetcast-sidebar [role=alert]').textContent()).toBe('There is no sheet named "Hidden".'));
    expect(sheet.run(PUBLISHER, 'getState').published).toBe(false);
  });
});
