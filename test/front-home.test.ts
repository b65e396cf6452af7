// The relay's home page in Chromium, with JavaScript and without, under the relay's own CSP; its
// links by configuration; the icons, web manifest and robots.txt.
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { icoSizes, pngSize } from '../scripts/lib/png.ts';
import { openPage, screenshot, useBrowserRelay } from './helpers/browser.ts';
import { startGoogleRelay } from './helpers/google.ts';
import { eventually, startRelay, type Relay } from './helpers/index.ts';

const world = useBrowserRelay({ SHEETCAST_DEMO: '1' });
const others: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const relay of others) await relay.stop();
});

/** The page, with every CSP violation the browser reports collected beside its errors. */
async function openHome(options: { javaScriptEnabled?: boolean } = {}): Promise<Page & { errors: string[]; violations: string[] }> {
  const page = Object.assign(await openPage(world.browser, options), { violations: [] as string[] });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) page.violations.push(message.text());
  });
  const response = await page.goto(`${world.relay.url}/`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  return page;
}

const demoCell = (page: Page, cell: string) => page.locator(`sheetcast-view td[data-cell="${cell}"]`).textContent({ timeout: 1_000 }).catch(() => null);

describe('the home page', () => {
  it('shows the live demo under the CSP, its cells changing as the demo plays', async () => {
    const page = await openHome();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Put a Google Sheet on the web, live');
    await eventually(async () => expect(await demoCell(page, 'A2')).toBe('Team'));
    const updated = await demoCell(page, 'B9');
    await eventually(async () => expect(await demoCell(page, 'B9')).not.toBe(updated), { timeoutMs: 5_000 });
    expect(page.violations).toEqual([]);
    expect(page.errors).toEqual([]);
    await screenshot(page, 'front-home');
  });

  it('works without JavaScript: the text, the links, and the demo as it stands, as a table', async () => {
    const page = await openHome({ javaScriptEnabled: false });
    expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
    const table = page.getByRole('table', { name: 'Sheetcast demo: a live scoreboard' });
    expect(await table.isVisible()).toBe(true);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Team', 'Played', 'Won', 'Drawn', 'Points']);
    expect(await table.locator('tbody tr').count()).toBe(7);
    const own = page.getByRole('link', { name: 'Open it on its own page' });
    expect(await own.getAttribute('href')).toMatch(/^\/view\/[A-Za-z0-9_-]{16,}$/);
    expect(await page.getByRole('navigation', { name: 'About this relay' }).getByRole('link').allTextContents()).toEqual(['Home', 'Privacy', 'Terms', 'Status']);
    expect(page.violations).toEqual([]);
    await screenshot(page, 'front-home-no-js');
  });

  it('links to /publish only where Google is configured, and shows no demo where none runs', async () => {
    const plain = (await (await fetch(`${world.relay.url}/`)).text());
    expect(plain).not.toContain('href="/publish"');

    const google = await startGoogleRelay({ env: { SHEETCAST_OPERATOR_NAME: 'Falcon Sports', SHEETCAST_OPERATOR_CONTACT: 'hello@falcon.example' } });
    others.push(google);
    const home = await (await fetch(`${google.relay.url}/`)).text();
    expect(home).toContain('<a class="primary" href="/publish">Publish a sheet</a>');
    expect(home).not.toContain('<sheetcast-view');
    expect(home).not.toContain('<script');
    expect(home).toContain('This relay is run by Falcon Sports. <a href="mailto:hello@falcon.example">Contact</a>');
  });
});

describe('icons, manifest and robots.txt', () => {
  it('serves the favicon and app icons at their sizes', async () => {
    const favicon = await fetch(`${world.relay.url}/favicon.ico`);
    expect(favicon.headers.get('content-type')).toBe('image/x-icon');
    expect(icoSizes(new Uint8Array(await favicon.arrayBuffer()))).toEqual([16, 32, 48].map((n) => ({ width: n, height: n })));
    for (const [path, size] of [['/apple-touch-icon.png', 180], ['/icon-192.png', 192], ['/icon-512.png', 512]] as const) {
      const icon = await fetch(world.relay.url + path);
      expect(icon.headers.get('content-type'), path).toBe('image/png');
      expect(pngSize(new Uint8Array(await icon.arrayBuffer())), path).toEqual({ width: size, height: size });
    }
    const manifest = (await (await fetch(`${world.relay.url}/site.webmanifest`)).json()) as { icons: { src: string }[] };
    for (const { src } of manifest.icons) expect((await fetch(world.relay.url + src)).status, src).toBe(200);
  });

  it('keeps views, the API and sign-in out of search engines, and lets the front pages in', async () => {
    const robots = await fetch(`${world.relay.url}/robots.txt`);
    expect(robots.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const rules = (await robots.text()).split('\n');
    expect(rules).toEqual(expect.arrayContaining(['User-agent: *', 'Disallow: /view/', 'Disallow: /v1/', 'Disallow: /auth/', 'Allow: /']));
    const relay: Relay = await startRelay();
    others.push(relay);
    const home = await (await fetch(`${relay.url}/`)).text();
    expect(home).not.toContain('noindex');
  });
});
