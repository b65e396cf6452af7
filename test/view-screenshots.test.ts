// The formatted demo doc of `npm start`, pictured from the real relay in Chromium for the docs:
// desktop (also the README's picture), phone, dark and board mode, into docs/.
import { copyFile, mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cellText, computedStyle, openPage, screenshot, useBrowserRelay } from './helpers/browser.ts';
import { eventually } from './helpers/index.ts';

const world = useBrowserRelay({ SHEETCAST_DEMO: '1' });
const DOCS = new URL('../docs/', import.meta.url);

function demoUrl(): string {
  const match = /Sheetcast demo: a live scoreboard at \S+\/view\/([A-Za-z0-9_-]+)/.exec(world.relay.output());
  if (!match) throw new Error(`no demo doc:\n${world.relay.output()}`);
  return `${world.relay.url}/view/${match[1]}`;
}

/** The demo's view, complete (viewer count shown), the change highlight held steady. */
async function openDemo(query: string, options: Parameters<typeof openPage>[1]): Promise<Page> {
  const url = await eventually(demoUrl);
  const page = await openPage(world.browser, { reducedMotion: 'reduce', ...options });
  await page.goto(`${url}${query}`);
  await eventually(async () => expect(await cellText(page, 'A2')).toBe('Team'));
  await page.locator('sheetcast-view .viewers').waitFor({ timeout: 10_000 });
  return page;
}

async function picture(page: Page, name: string): Promise<void> {
  await mkdir(DOCS, { recursive: true });
  await copyFile(await screenshot(page, name), new URL(`${name}.png`, DOCS));
}

afterEach(async () => {
  for (const context of world.browser.contexts()) await context.close();
});

describe('the demo doc, formatted as a publisher would', () => {
  it('shows a merged title over a coloured, frozen header and right-aligned numbers (desktop)', async () => {
    const page = await openDemo('', { viewport: { width: 900, height: 420 } });
    expect(await page.locator('sheetcast-view td[data-cell="A1"]').getAttribute('colspan')).toBe('5');
    expect(await computedStyle(page, 'sheetcast-view td[data-cell="A2"]', 'background-color')).toBe('rgb(31, 78, 121)');
    expect(await computedStyle(page, 'sheetcast-view td[data-cell="E3"]', 'text-align')).toBe('right');
    expect(await page.locator('sheetcast-view tr.frozen').count()).toBe(2);
    await picture(page, 'screenshot-demo-desktop');
    await copyFile(new URL('screenshot-demo-desktop.png', DOCS), new URL('screenshot-view.png', DOCS));
  });

  it('on a phone', async () => {
    const page = await openDemo('', { viewport: { width: 375, height: 560 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await picture(page, 'screenshot-demo-phone');
  });

  it('in the dark theme, keeping the sheet’s colours', async () => {
    const page = await openDemo('', { viewport: { width: 900, height: 420 }, colorScheme: 'dark' });
    expect(await computedStyle(page, 'sheetcast-view td[data-cell="A2"]', 'background-color')).toBe('rgb(31, 78, 121)');
    await picture(page, 'screenshot-demo-dark');
  });

  it('in board mode on a wide screen', async () => {
    const page = await openDemo('?board', { viewport: { width: 1280, height: 720 } });
    expect(await page.locator('sheetcast-view').getAttribute('data-board')).toBe('');
    await picture(page, 'screenshot-demo-board');
  });
});
