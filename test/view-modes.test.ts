// The view modes: the publisher's defaults (set on the doc, carried in the snapshot) and the
// embed attributes or view-page query parameters that override them, in Chromium against the real relay.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PublishResponse, ViewSettings } from '../protocol/wire.ts';
import { cellText, computedStyle, openPage, useBrowserRelay } from './helpers/browser.ts';
import { api, cell, eventually, postEdits, publishDoc, putSnapshot } from './helpers/index.ts';

const world = useBrowserRelay();

const TABLE = [
  ['Team', 'Points'],
  ['Otters', '3'],
  ['Foxes', '12'],
  ['Comets', '7'],
  ['Lynxes', ''],
];

async function publishTable(view: ViewSettings, values = TABLE): Promise<PublishResponse> {
  const range = `A1:B${values.length}`;
  const doc = await publishDoc(world.relay, { title: 'Modes', ranges: [{ sheet: 'Sheet1', range }], view });
  expect((await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range, values }])).status).toBe(200);
  return doc;
}

/** The relay's view page, with `query` as the modes to override. */
async function openView(doc: PublishResponse, query = '', options: Parameters<typeof openPage>[1] = {}): Promise<Page> {
  const page = await openPage(world.browser, options);
  await page.goto(`${world.relay.url}/view/${doc.shareId}${query}`);
  await eventually(async () => expect(await cellText(page, 'A2')).not.toBeNull());
  return page;
}

/** The embed snippet on another site, with `attributes` on the element. */
async function openEmbed(doc: PublishResponse, attributes: string, options: Parameters<typeof openPage>[1] = {}): Promise<Page> {
  const site = await world.serveSite({
    '/': { body: `<script src="${world.relay.url}/embed.js" async></script><sheetcast-view share="${doc.shareId}" ${attributes}></sheetcast-view>` },
  });
  const page = await openPage(world.browser, options);
  await page.goto(site.url);
  await eventually(async () => expect(await cellText(page, 'A2')).not.toBeNull());
  return page;
}

const column = (page: Page, letter: string) =>
  page.locator(`sheetcast-view td[data-cell^="${letter}"]`).evaluateAll((tds) => tds.map((td) => td.textContent));
const letters = (page: Page) => page.locator('sheetcast-view thead th[scope=col]').evaluateAll((ths) => ths.filter((th) => th.getBoundingClientRect().height > 0).length);
const rowNumbers = (page: Page) => page.locator('sheetcast-view tbody th[scope=row]').count();

afterEach(async () => {
  for (const context of world.browser.contexts()) await context.close();
});

describe('sheet chrome (column letters and row numbers)', () => {
  it('is shown by default, hidden when the publisher turns it off, and shown again by an attribute', async () => {
    const plain = await openView(await publishTable({}));
    expect([await letters(plain), await rowNumbers(plain)]).toEqual([2, 5]);
    const bare = await publishTable({ chrome: false });
    const page = await openView(bare);
    expect([await letters(page), await rowNumbers(page)]).toEqual([0, 0]);
    const embed = await openEmbed(bare, 'chrome="on"');
    expect([await letters(embed), await rowNumbers(embed)]).toEqual([2, 5]);
    const query = await openView(await publishTable({}), '?chrome=off');
    expect([await letters(query), await rowNumbers(query)]).toEqual([0, 0]);
  });
});

describe('sorting', () => {
  it('sorts the rows below the header by a clicked column, up, then down, then back to the sheet order', async () => {
    const doc = await publishTable({});
    const page = await openView(doc);
    const sortB = page.locator('sheetcast-view thead th[scope=col] button', { hasText: 'B' });
    await sortB.click();
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Otters', 'Comets', 'Foxes', 'Lynxes']));
    expect(await page.locator('sheetcast-view thead th[aria-sort=ascending]').textContent()).toBe('B');
    await sortB.click();
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Foxes', 'Comets', 'Otters', 'Lynxes']));
    // An edit while sorted moves its row to where its new value belongs.
    expect((await postEdits(world.relay, doc, [cell('B2', '20')])).status).toBe(200);
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Otters', 'Foxes', 'Comets', 'Lynxes']));
    await sortB.click();
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Otters', 'Foxes', 'Comets', 'Lynxes']));
  });

  it('sorts by the header row’s cells when the chrome is off', async () => {
    const page = await openView(await publishTable({ chrome: false }));
    await page.locator('sheetcast-view td[data-cell="A1"]').click();
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Comets', 'Foxes', 'Lynxes', 'Otters']));
  });

  it('is off when the publisher says so, unless the embed turns it on', async () => {
    const unsorted = await publishTable({ sort: false });
    const page = await openView(unsorted);
    expect(await page.locator('sheetcast-view button.sort').count()).toBe(0);
    const embed = await openEmbed(unsorted, 'sort');
    expect(await embed.locator('sheetcast-view button.sort').count()).toBe(2);
  });
});

describe('the search box', () => {
  it('is off by default; the publisher turns it on and it shows only the rows with its text, header kept', async () => {
    expect(await (await openView(await publishTable({}))).locator('sheetcast-view input.search').count()).toBe(0);
    const searchable = await publishTable({ search: true });
    const page = await openView(searchable);
    await page.locator('sheetcast-view input.search').fill('OX');
    await eventually(async () => expect(await column(page, 'A')).toEqual(['Team', 'Foxes']));
    await page.locator('sheetcast-view input.search').fill('');
    await eventually(async () => expect(await column(page, 'A')).toHaveLength(5));
    const embed = await openEmbed(searchable, 'search="off"');
    expect(await embed.locator('sheetcast-view input.search').count()).toBe(0);
  });
});

describe('board mode', () => {
  const LONG = [['Departure', 'Gate'], ...Array.from({ length: 120 }, (_, i) => [`Flight ${i + 1}`, `G${i % 9}`])];

  it('fits the grid to the width in large type', async () => {
    const doc = await publishTable({}, LONG);
    const normal = await openView(doc);
    const board = await openView(doc, '?board');
    const width = (page: Page) => page.locator('sheetcast-view table').evaluate((t) => t.getBoundingClientRect().width);
    const scrollerWidth = (page: Page) => page.locator('sheetcast-view .scroller').evaluate((s) => s.clientWidth);
    expect(await width(normal)).toBeLessThan((await scrollerWidth(normal)) / 2);
    expect(Math.round(await width(board))).toBe(await scrollerWidth(board));
    const size = async (page: Page) => parseFloat(await computedStyle(page, 'sheetcast-view td[data-cell="A2"]', 'font-size'));
    expect(await size(board)).toBeGreaterThanOrEqual(1.5 * (await size(normal)));
  });

  it('scrolls a long list by itself, unless reduced motion is asked for; the publisher may set it for every viewer', async () => {
    const doc = await publishTable({ board: true }, LONG);
    const still = await openView(doc, '', { reducedMotion: 'reduce' });
    const moving = await openView(doc, '', { reducedMotion: 'no-preference' });
    const scrollTop = (page: Page) => page.locator('sheetcast-view .scroller').evaluate((s) => s.scrollTop);
    await eventually(async () => expect(await scrollTop(moving)).toBeGreaterThan(20), { timeoutMs: 20_000 });
    expect(await scrollTop(still)).toBe(0);
    expect(await still.locator('sheetcast-view').getAttribute('data-board')).toBe('');
    const off = await openView(doc, '?board=off', { reducedMotion: 'no-preference' });
    expect(await off.locator('sheetcast-view').getAttribute('data-board')).toBeNull();
  });
});

describe('theme', () => {
  it('follows the publisher’s dark theme on a light device, and an attribute or parameter sets it back', async () => {
    const doc = await publishTable({ theme: 'dark' });
    const background = (page: Page) => computedStyle(page, 'sheetcast-view', 'background-color');
    expect(await background(await openView(doc, '', { colorScheme: 'light' }))).toBe('rgb(27, 28, 29)');
    expect(await background(await openView(doc, '?theme=light', { colorScheme: 'dark' }))).toBe('rgb(255, 255, 255)');
    expect(await background(await openEmbed(doc, 'theme="auto"', { colorScheme: 'light' }))).toBe('rgb(255, 255, 255)');
  });

  it('changes for every open view when the publisher changes the settings', async () => {
    const doc = await publishTable({});
    const page = await openView(doc, '', { colorScheme: 'light' });
    const patched = await api(world.relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: world.relay.adminToken, body: { view: { theme: 'dark' } } });
    expect(patched.status).toBe(200);
    await eventually(async () => expect(await computedStyle(page, 'sheetcast-view', 'background-color')).toBe('rgb(27, 28, 29)'));
  });
});
