// The relay's `/view/:shareId` page in Chromium against the real relay.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PublishResponse } from '../protocol/wire.ts';
import { cellClass, cellText, computedStyle, mutatedCells, openPage, pageScrollWidth, screenshot, textContrast, useBrowserRelay, watchCellMutations } from './helpers/browser.ts';
import { api, cell, eventually, postEdits, publishDoc, putSnapshot } from './helpers/index.ts';

const SCOREBOARD = [
  ['Team', 'Played', 'Won', 'Drawn', 'Points', 'Note'],
  ['Comets', '4', '2', '1', '7', ''],
  ['Lynxes', '3', '2', '1', '7', 'Top of the table after a late winner against the Foxes on Saturday night'],
  ['Foxes', '4', '1', '2', '5', ''],
  ['Herons', '3', '0', '3', '3', ''],
  ['Otters', '4', '0', '3', '3', ''],
];

const world = useBrowserRelay();
let doc: PublishResponse;

async function publishScoreboard(title = 'League table'): Promise<PublishResponse> {
  const published = await publishDoc(world.relay, { title, ranges: [{ sheet: 'Scores', range: 'A1:F6' }] });
  const put = await putSnapshot(world.relay, published, [{ sheet: 'Scores', range: 'A1:F6', values: SCOREBOARD }]);
  expect(put.status).toBe(200);
  return published;
}

async function openView(share: string, options: Parameters<typeof openPage>[1] = {}): Promise<Page & { errors: string[] }> {
  const page = await openPage(world.browser, options);
  await page.goto(`${world.relay.url}/view/${share}`);
  await eventually(async () => expect(await cellText(page, 'A2')).toBe('Comets'));
  return page;
}

/** A screenshot once the view is complete (the viewer count comes with the first presence frame). */
async function picture(page: Page, name: string): Promise<string> {
  await page.locator('sheetcast-view .viewers').waitFor({ timeout: 10_000 });
  return screenshot(page, name);
}

beforeAll(async () => {
  doc = await publishScoreboard();
});

afterEach(async () => {
  for (const context of world.browser.contexts()) await context.close();
});

describe('the live-view page', () => {
  it('is titled after the doc, with a meta set that keeps the secret link out of search engines and referrers', async () => {
    const page = await openView(doc.shareId);
    expect(await page.title()).toBe('League table · Sheetcast');
    const meta = (name: string) => page.locator(`meta[name="${name}"]`).getAttribute('content');
    expect(await meta('viewport')).toContain('width=device-width');
    expect(await meta('robots')).toBe('noindex, nofollow');
    expect(await meta('referrer')).toBe('no-referrer');
    expect(await meta('description')).toContain('League table');
    expect(await meta('color-scheme')).toBe('light dark');
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe('League table · Sheetcast');
    expect(await page.locator('sheetcast-view h1').textContent()).toBe('League table');
    const response = await fetch(`${world.relay.url}/view/${doc.shareId}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.errors).toEqual([]);
  });

  it('shows the snapshot as a real table with column letters and row numbers as in Sheets', async () => {
    const page = await openView(doc.shareId);
    const table = page.locator('sheetcast-view table');
    expect(await table.locator('caption').textContent()).toBe('Scores!A1:F6');
    expect(await table.locator('thead th[scope=col]').allTextContents()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(await table.locator('tbody th[scope=row]').allTextContents()).toEqual(['1', '2', '3', '4', '5', '6']);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual(SCOREBOARD);
    expect(await cellClass(page, 'B2')).toContain('num');
  });

  it('puts an edit POSTed to the relay into the right cell and highlights it', async () => {
    const page = await openView(doc.shareId);
    const posted = Date.now();
    expect((await postEdits(world.relay, doc, [cell('E3', '10', 'Scores')])).status).toBe(200);
    await eventually(async () => expect(await cellText(page, 'E3')).toBe('10'));
    const seenAfterMs = Date.now() - posted;
    expect(await cellClass(page, 'E3')).toMatch(/flash-[ab]/);
    expect(await cellClass(page, 'E2')).not.toMatch(/flash/);
    expect(await cellText(page, 'E2')).toBe('7');
    console.log(`edit visible in the view ${seenAfterMs} ms after the POST`);
  });

  it('re-renders only the changed cell: the other cells keep their DOM nodes', async () => {
    const page = await openView(doc.shareId);
    await watchCellMutations(page);
    await postEdits(world.relay, doc, [cell('C4', '2', 'Scores')]);
    await eventually(async () => expect(await cellText(page, 'C4')).toBe('2'));
    expect(await mutatedCells(page)).toEqual(['C4']);
  });

  it('shows the live viewer count', async () => {
    const first = await openView(doc.shareId);
    const second = await openView(doc.shareId);
    const viewers = async (page: Page) => Number((await page.locator('sheetcast-view .viewers').textContent())?.split(' ')[0]);
    await eventually(async () => expect(await viewers(first)).toBeGreaterThanOrEqual(2));
    const before = await viewers(first);
    await second.context().close();
    await eventually(async () => expect(await viewers(first)).toBe(before - 1));
    expect(await first.locator('sheetcast-view [role=status]').textContent()).toBe('Live');
  });

  it('truncates long text and shows the full value on hover', async () => {
    const page = await openView(doc.shareId);
    const note = page.locator('sheetcast-view td[data-cell="F3"]');
    expect(await note.getAttribute('title')).toBe(SCOREBOARD[2]![5]);
    expect(await note.evaluate((td) => td.scrollWidth > td.clientWidth)).toBe(true);
    expect(await computedStyle(page, 'sheetcast-view td[data-cell="F3"]', 'text-overflow')).toBe('ellipsis');
  });

  it('shows a tab per published range and switches with the mouse and the arrow keys', async () => {
    const two = await publishDoc(world.relay, {
      title: 'Two ranges',
      ranges: [
        { sheet: 'Scores', range: 'A1:B2' },
        { sheet: 'Fixtures', range: 'C3:D4' },
      ],
    });
    await putSnapshot(world.relay, two, [
      { sheet: 'Scores', range: 'A1:B2', values: [['Team', 'Played'], ['Comets', '4']] },
      { sheet: 'Fixtures', range: 'C3:D4', values: [['Home', 'Away'], ['Foxes', 'Otters']] },
    ]);
    const page = await openView(two.shareId);
    const tabs = page.locator('sheetcast-view [role=tab]');
    expect(await tabs.allTextContents().then((t) => t.map((s) => s.trim()))).toEqual(['Scores!A1:B2', 'Fixtures!C3:D4']);
    await tabs.nth(1).click();
    await eventually(async () => expect(await cellText(page, 'C4')).toBe('Foxes'));
    expect(await page.locator('sheetcast-view thead th[scope=col]').allTextContents()).toEqual(['C', 'D']);
    expect(await page.locator('sheetcast-view tbody th[scope=row]').allTextContents()).toEqual(['3', '4']);
    await page.keyboard.press('ArrowLeft');
    await eventually(async () => expect(await cellText(page, 'A2')).toBe('Comets'));
    expect(await tabs.nth(0).getAttribute('aria-selected')).toBe('true');
    // An edit on the other tab is applied and shown when the tab is opened.
    await postEdits(world.relay, two, [cell('D4', 'Herons', 'Fixtures')]);
    await page.keyboard.press('ArrowRight');
    await eventually(async () => expect(await cellText(page, 'D4')).toBe('Herons'));
  });

  it('shows the new ranges when the publisher changes them, without a reload', async () => {
    const moving = await publishDoc(world.relay, { title: 'Moving', ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] });
    await putSnapshot(world.relay, moving, [{ sheet: 'Sheet1', range: 'A1:B2', values: [['Comets', '1'], ['Foxes', '2']] }]);
    const page = await openPage(world.browser);
    await page.goto(`${world.relay.url}/view/${moving.shareId}`);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('Comets'));
    const patched = await api(world.relay, 'PATCH', `/v1/docs/${moving.docId}`, { token: world.relay.adminToken, body: { ranges: [{ sheet: 'Sheet1', range: 'C5:D6' }] } });
    expect(patched.status).toBe(200);
    await putSnapshot(world.relay, moving, [{ sheet: 'Sheet1', range: 'C5:D6', values: [['Herons', '3'], ['Otters', '4']] }]);
    await eventually(async () => expect(await cellText(page, 'D6')).toBe('4'));
    expect(await page.locator('sheetcast-view thead th[scope=col]').allTextContents()).toEqual(['C', 'D']);
    expect(await cellText(page, 'A1')).toBeNull();
    // Deltas of the new epoch are applied in order too.
    await postEdits(world.relay, moving, [cell('C5', 'Falcons')]);
    await eventually(async () => expect(await cellText(page, 'C5')).toBe('Falcons'));
  });

  it('renders only the rows near the visible part of a long range, and the right rows as it scrolls', async () => {
    const long = await publishDoc(world.relay, { title: 'Long list', ranges: [{ sheet: 'Sheet1', range: 'A1:C2000' }] });
    const values = Array.from({ length: 2000 }, (_, r) => [`item ${r + 1}`, String(r + 1), '']);
    await putSnapshot(world.relay, long, [{ sheet: 'Sheet1', range: 'A1:C2000', values }]);
    const page = await openPage(world.browser);
    await page.goto(`${world.relay.url}/view/${long.shareId}`);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('item 1'));
    const table = page.locator('sheetcast-view table');
    expect(await table.getAttribute('aria-rowcount')).toBe('2001');
    expect(await table.locator('tbody th[scope=row]').count()).toBeLessThan(200);
    const scrollTo = (fraction: number) => page.locator('sheetcast-view .scroller').evaluate((el, f) => el.scrollTo(0, el.scrollHeight * f), fraction);

    await scrollTo(1);
    await eventually(async () => expect(await cellText(page, 'A2000')).toBe('item 2000'));
    expect(await page.locator('sheetcast-view tr[aria-rowindex="2001"] th').textContent()).toBe('2000');
    expect(await cellText(page, 'A1')).toBeNull();

    await postEdits(world.relay, long, [cell('C1500', 'sold out')]);
    await scrollTo(1499 / 2001);
    await eventually(async () => expect(await cellText(page, 'C1500')).toBe('sold out'));
    expect(await cellText(page, 'A1500')).toBe('item 1500');
    expect(await table.locator('tbody th[scope=row]').count()).toBeLessThan(200);
  });

  it('answers an unknown share with a 404 page that says it is not published', async () => {
    const response = await fetch(`${world.relay.url}/view/NoSuchShare0123456789`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('This sheet is not published');
    expect(html).toContain('noindex');
  });

  it('serves a restricted share without revealing its title, says sign-in is needed and links to it', async () => {
    const secret = await publishDoc(world.relay, { title: 'Board salaries', access: 'restricted', allow: ['ceo@example.com'] });
    const html = await (await fetch(`${world.relay.url}/view/${secret.shareId}`)).text();
    expect(html).not.toContain('Board salaries');
    const page = await openPage(world.browser);
    await page.goto(`${world.relay.url}/view/${secret.shareId}`);
    expect(await page.title()).toBe('Private sheet · Sheetcast');
    await eventually(async () => expect(await page.locator('sheetcast-view .message').textContent()).toContain('sign in'));
    expect(await page.locator('sheetcast-view [role=status]').textContent()).toBe('Not available');
    expect(await page.content()).not.toContain('Board salaries');
    const signIn = page.locator('sheetcast-view .message a');
    expect(await signIn.textContent()).toBe('Sign in with Google');
    expect(await signIn.getAttribute('href')).toBe(`${world.relay.url}/auth/google/start?return=${encodeURIComponent(`/view/${secret.shareId}`)}`);
  });
});

describe('the view on every screen', () => {
  it('fits a 375-pixel phone: the page does not scroll sideways, the grid does', async () => {
    const page = await openView(doc.shareId, { viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    expect(await pageScrollWidth(page)).toBeLessThanOrEqual(375);
    const scroller = page.locator('sheetcast-view .scroller');
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await picture(page, 'view-phone');
  });

  it('scrolls the grid with the keyboard', async () => {
    const page = await openView(doc.shareId, { viewport: { width: 375, height: 700 } });
    const scroller = page.locator('sheetcast-view .scroller');
    expect(await scroller.getAttribute('tabindex')).toBe('0');
    await scroller.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await eventually(async () => expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0));
  });

  it('follows prefers-color-scheme: dark', async () => {
    const page = await openView(doc.shareId, { colorScheme: 'dark' });
    const background = await computedStyle(page, 'sheetcast-view', 'background-color');
    expect(background).toBe('rgb(27, 28, 29)');
    await picture(page, 'view-dark');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`keeps text at a contrast of at least 4.5:1 against its background (${colorScheme})`, async () => {
      const page = await openView(doc.shareId, { colorScheme });
      await page.locator('sheetcast-view .viewers').waitFor({ timeout: 10_000 });
      for (const part of ['h1', '.status', '.viewers', 'thead th', 'tbody th', 'td']) {
        expect(await textContrast(page, `sheetcast-view ${part}`), part).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('keeps the highlight steady, without fading, when reduced motion is asked for', async () => {
    const page = await openView(doc.shareId, { reducedMotion: 'reduce' });
    await postEdits(world.relay, doc, [cell('B6', '5', 'Scores')]);
    await eventually(async () => expect(await cellText(page, 'B6')).toBe('5'));
    const timing = await computedStyle(page, 'sheetcast-view td[data-cell="B6"]', 'animation-timing-function');
    expect(timing).toBe('steps(1)');
  });

  it('is pictured on a desktop', async () => {
    // Reduced motion holds the highlight steady, so the picture only changes when the view does.
    const page = await openView(doc.shareId, { viewport: { width: 900, height: 360 }, reducedMotion: 'reduce' });
    await eventually(async () => expect(await page.locator('sheetcast-view .viewers').textContent()).toBe('1 viewer'));
    await postEdits(world.relay, doc, [cell('E4', '6', 'Scores'), cell('D4', '3', 'Scores')]);
    await eventually(async () => expect(await cellClass(page, 'E4')).toMatch(/flash/));
    // The README's picture is the formatted demo's (view-screenshots.test.ts).
    await picture(page, 'view-desktop');
  });
});
