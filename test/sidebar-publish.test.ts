// <sheetcast-sidebar> in Chromium, 300 px wide as in Google Sheets, with a fake
// `google.script.run` whose server functions publish to the real relay as the add-on does.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ApiError, PublishedRange, PublishResponse } from '../protocol/wire.ts';
import type { PublishOptions, SidebarState } from '../protocol/sidebar.ts';
import { openPage, pageScrollWidth, screenshot, useBrowserRelay } from './helpers/browser.ts';
import type { StaticSite } from './helpers/browser.ts';
import { api, eventually } from './helpers/index.ts';

const world = useBrowserRelay();
let site: StaticSite;

// HtmlService gives the page `google.script.run`: calls are asynchronous, answered through
// withSuccessHandler / withFailureHandler. This one forwards each call to the test.
const FAKE_SCRIPT_RUN = `
  function runner(onSuccess, onFailure) {
    const run = {
      withSuccessHandler: (fn) => runner(fn, onFailure),
      withFailureHandler: (fn) => runner(onSuccess, fn),
    };
    for (const name of ['getState', 'publish', 'unpublish', 'useSelection']) {
      run[name] = (...args) => {
        window.sheetcastServer(name, JSON.stringify(args)).then(
          (answer) => onSuccess && onSuccess(JSON.parse(answer)),
          (error) => onFailure && onFailure(new Error(error.message)),
        );
      };
    }
    return run;
  }
  window.google = { script: { run: runner() } };`;

const UNPUBLISHED: SidebarState = {
  published: false,
  title: 'Club sheet',
  ranges: [],
  access: 'link',
  allow: [],
  view: {},
  shareId: null,
  viewUrl: null,
  embedUrl: null,
  sentToday: 0,
  lastError: null,
  relayUrl: '',
  user: 'alice@example.com',
  embedSnippet: null,
  triggersInstalled: false,
  pending: 0,
  resync: false,
  lastSentAt: null,
  recent: [],
};

/** The add-on's server side, as far as the sidebar can tell: state in "document properties", the relay for real. */
class FakeAddon {
  state: SidebarState = { ...UNPUBLISHED };
  doc: PublishResponse | null = null;
  token = world.relay.adminToken;
  selection: PublishedRange = { sheet: 'Scores', range: 'A1:C4' };
  calls: string[] = [];
  /** While set, publish waits for it: the sidebar is caught in "publishing". */
  hold: Promise<void> | null = null;

  async handle(name: string, args: unknown[]): Promise<unknown> {
    this.calls.push(name);
    switch (name) {
      case 'getState':
        return this.state;
      case 'useSelection':
        return this.selection;
      case 'publish': {
        await this.hold;
        const settings = args[0] as Required<PublishOptions>;
        if (this.doc && this.state.published) {
          // Published already: the add-on updates the doc, same link.
          const { title, ranges, access, allow, view } = settings;
          const patched = await api(world.relay, 'PATCH', `/v1/docs/${this.doc.docId}`, { token: this.token, body: { title, ranges, access, allow, view } });
          if (patched.status !== 200) throw new Error(`Could not update the published doc: ${(patched.body as ApiError).error.message}`);
          this.state = { ...this.state, ...settings };
          return this.state;
        }
        const reply = await api<PublishResponse>(world.relay, 'POST', '/v1/docs', { token: this.token, body: { spreadsheetId: 'sheet-1', ...settings } });
        if (reply.status !== 201) throw new Error(`Could not publish: ${(reply.body as unknown as ApiError).error.message}`);
        this.doc = reply.body;
        this.state = { ...this.state, ...settings, published: true, shareId: reply.body.shareId, viewUrl: reply.body.viewUrl, embedUrl: reply.body.embedUrl };
        this.state.embedSnippet = `<script src="${reply.body.embedUrl}" async></script>\n<sheetcast-view share="${reply.body.shareId}"></sheetcast-view>`;
        return this.state;
      }
      case 'unpublish':
        await api(world.relay, 'DELETE', `/v1/docs/${this.doc!.docId}`, { token: this.token });
        this.state = { ...UNPUBLISHED, title: this.state.title };
        return this.state;
      default:
        throw new Error(`no server function ${name}`);
    }
  }
}

async function openSidebar(addon: FakeAddon): Promise<Page & { errors: string[] }> {
  const page = await openPage(world.browser, { viewport: { width: 300, height: 760 } });
  await page.exposeFunction('sheetcastServer', async (name: string, args: string) => JSON.stringify(await addon.handle(name, JSON.parse(args))));
  await page.goto(`${site.url}/sidebar`);
  await eventually(async () => expect(await pill(page)).not.toBe('Loading…'));
  return page;
}

function pill(page: Page): Promise<string | null> {
  return page.locator('sheetcast-sidebar [role=status]').textContent();
}

beforeAll(async () => {
  const sidebar = await readFile(new URL('../dist/sidebar/sidebar.js', import.meta.url), 'utf8');
  // Shaped like the add-on's Sidebar.html: one file, the bundle inlined.
  site = await world.serveSite({
    '/sidebar': { body: `<!doctype html><html><head><meta charset="utf-8"><base target="_top"><script>${FAKE_SCRIPT_RUN}</script></head><body><script>${sidebar}</script></body></html>` },
  });
});

describe('the sidebar', () => {
  it('publishes the chosen ranges, then shows the link, the embed snippet and the live viewer count', async () => {
    const addon = new FakeAddon();
    const page = await openSidebar(addon);
    const sidebar = page.locator('sheetcast-sidebar');
    expect(await pill(page)).toBe('Not published');
    expect(await sidebar.locator('#title').inputValue()).toBe('Club sheet');

    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await sidebar.getByPlaceholder('Sheet1!A1:D20').fill("'Fixtures'!c3:b2");
    await sidebar.getByRole('button', { name: 'Add', exact: true }).click();
    await eventually(async () => expect(await sidebar.locator('li > span').allTextContents()).toEqual(['Scores!A1:C4', 'Fixtures!B2:C3']));
    await screenshot(page, 'sidebar-unpublished');

    let release = () => {};
    addon.hold = new Promise<void>((resolve) => (release = resolve));
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Publishing…'));
    release();
    await eventually(async () => expect(await pill(page)).toBe('Live'));

    const doc = addon.doc!;
    expect(await sidebar.locator('#link').inputValue()).toBe(`${world.relay.url}/view/${doc.shareId}`);
    expect(await sidebar.getByRole('link', { name: 'Open the live page' }).getAttribute('href')).toBe(doc.viewUrl);
    const snippet = await sidebar.locator('#embed').inputValue();
    expect(snippet).toBe(`<script src="${world.relay.url}/embed.js" async></script>\n<sheetcast-view share="${doc.shareId}"></sheetcast-view>`);
    const info = await api(world.relay, 'GET', `/v1/docs/${doc.docId}`, { token: world.relay.adminToken });
    expect(info.body).toMatchObject({ title: 'Club sheet', access: 'link', ranges: [{ sheet: 'Scores', range: 'A1:C4' }, { sheet: 'Fixtures', range: 'B2:C3' }] });
    expect(await sidebar.locator('.sent').textContent()).toBe('0');

    // The sidebar's own socket is not a viewer: nobody watches yet.
    await eventually(async () => expect(await sidebar.locator('.viewers').textContent()).toBe('0'));
    const viewer = await openPage(world.browser);
    await viewer.goto(`${world.relay.url}/view/${doc.shareId}`);
    await eventually(async () => expect(await sidebar.locator('.viewers').textContent()).toBe('1'));
    await screenshot(page, 'sidebar-live');

    await viewer.context().close();
    await eventually(async () => expect(await sidebar.locator('.viewers').textContent()).toBe('0'));
    expect(await pageScrollWidth(page)).toBeLessThanOrEqual(300);
    expect(page.errors).toEqual([]);
    expect(addon.calls.filter((c) => c !== 'getState')).toEqual(['useSelection', 'publish']);
  });

  it('publishes for a list of people and domains when access is restricted', async () => {
    const addon = new FakeAddon();
    const page = await openSidebar(addon);
    const sidebar = page.locator('sheetcast-sidebar');
    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await sidebar.getByLabel('Only people I list (Google sign-in)').check();
    await sidebar.getByLabel('Allowed emails or @domains').fill('ana@example.com\n@club.example, bo@example.org');
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));
    const info = await api(world.relay, 'GET', `/v1/docs/${addon.doc!.docId}`, { token: world.relay.adminToken });
    expect(info.body).toMatchObject({ access: 'restricted', allow: ['ana@example.com', '@club.example', 'bo@example.org'] });
    const hints = (await sidebar.locator('.hint').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(hints).toContain('Only ana@example.com, @club.example, bo@example.org after signing in.');
  });

  it('copies the link to the clipboard', async () => {
    const addon = new FakeAddon();
    const page = await openSidebar(addon);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Use current selection' }).click();
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Copy', exact: true }).click();
    await eventually(async () => expect(await page.evaluate('navigator.clipboard.readText()')).toBe(addon.state.viewUrl));
    expect(await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Copied' }).count()).toBe(1);
  });

  it('says in words why publishing failed, and publishes once the problem is fixed', async () => {
    const addon = new FakeAddon();
    addon.token = 'not-a-valid-token-for-this-relay';
    const page = await openSidebar(addon);
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Use current selection' }).click();
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Error'));
    expect(await page.locator('sheetcast-sidebar [role=alert]').textContent()).toMatch(/^Could not publish: ./);
    addon.token = world.relay.adminToken;
    await page.locator('sheetcast-sidebar').getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));
    expect(await page.locator('sheetcast-sidebar [role=alert]').count()).toBe(0);
  });

  it('stops publishing after a confirmation, and open views say the publisher stopped sharing', async () => {
    const addon = new FakeAddon();
    const page = await openSidebar(addon);
    const sidebar = page.locator('sheetcast-sidebar');
    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));
    const viewer = await openPage(world.browser);
    await viewer.goto(addon.state.viewUrl!);
    await eventually(async () => expect(await viewer.locator('sheetcast-view [role=status]').textContent()).toBe('Live'));

    await sidebar.getByRole('button', { name: 'Stop publishing' }).click();
    expect(addon.calls).not.toContain('unpublish');
    await sidebar.getByRole('button', { name: 'Stop and remove the page' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Not published'));
    await eventually(async () => expect(await viewer.locator('sheetcast-view .message').textContent()).toBe('The publisher stopped sharing this sheet.'));
    expect(await viewer.locator('sheetcast-view td').count()).toBe(0);
    expect(await viewer.title()).toBe('Sheetcast');
    expect((await fetch(addon.state.viewUrl ?? `${world.relay.url}/view/${addon.doc!.shareId}`)).status).toBe(404);
  });

  it('publishes with the view settings chosen, and saves changed ones while live, for every open view', async () => {
    const addon = new FakeAddon();
    const page = await openSidebar(addon);
    const sidebar = page.locator('sheetcast-sidebar');
    await sidebar.getByRole('button', { name: 'Use current selection' }).click();
    await sidebar.getByLabel('Column letters and row numbers').uncheck();
    await sidebar.getByLabel('Search box').check();
    await sidebar.getByLabel('Theme').selectOption('dark');
    await sidebar.getByRole('button', { name: 'Publish' }).click();
    await eventually(async () => expect(await pill(page)).toBe('Live'));
    const info = () => api(world.relay, 'GET', `/v1/docs/${addon.doc!.docId}`, { token: world.relay.adminToken }).then((r) => r.body);
    expect((await info()).view).toEqual({ chrome: false, search: true, theme: 'dark' });
    expect(addon.calls.filter((c) => c === 'publish')).toHaveLength(1);

    const viewer = await openPage(world.browser);
    await viewer.goto(addon.state.viewUrl!);
    await eventually(async () => expect(await viewer.locator('sheetcast-view input.search').count()).toBe(1));
    // Live: the same section, saved on demand.
    const panel = sidebar.locator('sheetcast-live-panel');
    expect(await panel.getByLabel('Search box').isChecked()).toBe(true);
    expect(await sidebar.getByRole('button', { name: 'Save view settings' }).count()).toBe(0);
    await panel.getByLabel('Search box').uncheck();
    await panel.getByLabel('Board mode for screens: large type, fit to width, scrolls by itself').check();
    await sidebar.getByRole('button', { name: 'Save view settings' }).click();
    await eventually(async () => expect((await info()).view).toEqual({ chrome: false, search: false, theme: 'dark', board: true }));
    await eventually(async () => expect(await sidebar.getByRole('button', { name: 'Save view settings' }).count()).toBe(0));
    expect(await sidebar.locator('#link').inputValue()).toBe(addon.state.viewUrl);
    await eventually(async () => expect(await viewer.locator('sheetcast-view').getAttribute('data-board')).toBe(''));
    expect(await viewer.locator('sheetcast-view input.search').count()).toBe(0);
    expect(page.errors).toEqual([]);
  });
});
