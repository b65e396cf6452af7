// Headless Chromium (Debian's) for the view and sidebar tests, plus a small static server for
// pages that embed the view from another origin, and the one setup a browser test file uses.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildSidebar } from '../../scripts/build-sidebar.ts';
import { startGoogleRelay } from './google.ts';
import { startRelay } from './relay.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const RESULTS_DIR = new URL('../../test-results/', import.meta.url);

/** A fresh browser; playwright gives each launch its own throw-away user-data-dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A page in its own context (cookies, storage, viewport, colour scheme), with its console errors collected. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 }, ...options });
  const page = Object.assign(await context.newPage(), { errors: [] as string[] });
  page.on('pageerror', (error) => page.errors.push(error.message));
  return page;
}

/** Saves a screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = new URL(`${name}.png`, RESULTS_DIR).pathname;
  await page.screenshot({ path });
  return path;
}

/** The text of one cell (`B2`) of the view matching `view` (a CSS selector). */
export function cellText(page: Page, cell: string, view = 'sheetcast-view'): Promise<string | null> {
  return page.locator(`${view} td[data-cell="${cell}"]`).textContent({ timeout: 1_000 }).catch(() => null);
}

export function cellClass(page: Page, cell: string, view = 'sheetcast-view'): Promise<string | null> {
  return page.locator(`${view} td[data-cell="${cell}"]`).getAttribute('class', { timeout: 1_000 }).catch(() => null);
}

/** Starts recording which cells (`data-cell`) of the view's grid the DOM changes in; read with `mutatedCells`. */
export function watchCellMutations(page: Page): Promise<void> {
  return page.evaluate(() => {
    const tbody = document.querySelector('sheetcast-view')!.shadowRoot!.querySelector('tbody')!;
    const mutated = new Set<string>();
    Object.assign(window, { mutatedCells: mutated });
    new MutationObserver((records) => {
      for (const record of records) {
        const node = record.target instanceof Element ? record.target : record.target.parentElement!;
        mutated.add(node.closest('td')?.dataset.cell ?? node.nodeName);
      }
    }).observe(tbody, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** The cells changed in the DOM since `watchCellMutations` (other nodes by their name). */
export function mutatedCells(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { mutatedCells: Set<string> }).mutatedCells]);
}

/** A computed style of the first element matching `selector` (piercing shadow roots). */
export function computedStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.locator(selector).evaluate((el, name) => getComputedStyle(el).getPropertyValue(name), property);
}

/**
 * The WCAG contrast ratio between the text colour of the first element matching `selector` and
 * the first opaque background behind it (through shadow roots up to the page).
 */
export function textContrast(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const style = (node: Element) => getComputedStyle(node);
      const rgba = (colour: string) => {
        const [r = 0, g = 0, b = 0, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
        return { r, g, b, a };
      };
      const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
        const linear = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
      };
      let background = { r: 255, g: 255, b: 255, a: 1 };
      for (let node: Element | null = el; node; node = node.parentElement ?? (node.getRootNode() as ShadowRoot).host ?? null) {
        const colour = rgba(style(node).backgroundColor);
        if (colour.a > 0) {
          background = colour;
          break;
        }
      }
      const [light, dark] = [luminance(rgba(style(el).color)), luminance(background)].sort((x, y) => y - x) as [number, number];
      return (light + 0.05) / (dark + 0.05);
    });
}

/** How wide the page's content is; wider than the viewport means the page scrolls sideways. */
export function pageScrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

export interface StaticSite {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves fixed pages by path on a free port: an "any site" for embedding, or a test page. */
export async function serveSite(
  pages: Record<string, { body: string | Buffer; type?: string }>,
  fallback?: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<StaticSite> {
  const server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? '/', 'http://x').pathname];
    if (page) {
      response.writeHead(200, { 'content-type': page.type ?? 'text/html; charset=utf-8' });
      response.end(page.body);
    } else if (fallback) fallback(request, response);
    else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BrowserFixture {
  /** Headless Chromium, shared by the file's tests. */
  browser: Browser;
  /** Serves `pages` (see serveSite) until the file's tests are done. */
  serveSite(...args: Parameters<typeof serveSite>): Promise<StaticSite>;
}

/**
 * A browser test file's setup: before its tests the view bundles are built (unless `build` is
 * false), `start` starts what the pages talk to, and Chromium is launched; after them all of it
 * is closed again. The object returned gains the fields of what `start` resolved to.
 */
export function useBrowserWith<T extends object>(
  start: () => Promise<T>,
  stop: (started: T) => Promise<unknown>,
  { build = true } = {},
): T & BrowserFixture {
  const sites: StaticSite[] = [];
  let started: T | undefined;
  const fixture = {
    async serveSite(...args: Parameters<typeof serveSite>) {
      const site = await serveSite(...args);
      sites.push(site);
      return site;
    },
  } as T & BrowserFixture;
  beforeAll(async () => {
    if (build) await buildSidebar();
    started = await start();
    Object.assign(fixture, started);
    fixture.browser = await launchChromium();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    for (const site of sites) await site.close();
    if (started) await stop(started);
  });
  return fixture;
}

/** Chromium (and the built view bundles) alone. */
export const useBrowser = (options?: { build?: boolean }) => useBrowserWith(async () => ({}), async () => {}, options);

/** Chromium and a relay (`startRelay({ env })`), with the view bundles built. */
export const useBrowserRelay = (env?: Record<string, string>) =>
  useBrowserWith(async () => ({ relay: await startRelay({ env }) }), ({ relay }) => relay.stop());

/** Chromium and a relay wired to the Google emulator (`startGoogleRelay`). */
export const useBrowserGoogleRelay = ({ build, ...options }: Parameters<typeof startGoogleRelay>[0] & { build?: boolean } = {}) =>
  useBrowserWith(() => startGoogleRelay(options), (env) => env.stop(), { build });

/**
 * `google.script.run` as HtmlService gives a sidebar page: each call answered through the
 * handlers, here by `window.appsScript(name, argsJson)`, which the test exposes (the harness).
 */
export const SCRIPT_RUN_VIA_HARNESS = `window.google = { script: { run: (function runner(ok, fail) {
  return new Proxy({}, { get: (_, name) =>
    name === 'withSuccessHandler' ? (f) => runner(f, fail)
    : name === 'withFailureHandler' ? (f) => runner(ok, f)
    : (...args) => window.appsScript(String(name), JSON.stringify(args)).then((a) => ok && ok(JSON.parse(a)), (e) => fail && fail(new Error(e.message))) });
})() } };`;
