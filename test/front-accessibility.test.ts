// axe-core, injected into each page in Chromium, finds no serious or critical accessibility
// violation on the relay's home page, its privacy policy, the live view, and the add-on's sidebar
// (first run, relay out of reach, published), in light and dark colour schemes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SidebarState } from '../protocol/sidebar.ts';
import { openPage, useBrowserRelay, type StaticSite } from './helpers/browser.ts';
import { eventually } from './helpers/index.ts';

const world = useBrowserRelay({ SHEETCAST_DEMO: '1' });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The serious and critical violations axe finds on the page as it is now (shadow roots included). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's own CSP does not stand in the way.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

let shareId = '';
let site: StaticSite;

beforeAll(async () => {
  const home = await (await fetch(`${world.relay.url}/`)).text();
  shareId = /<sheetcast-view share="([^"]+)"/.exec(home)![1]!;
  const bundle = readFileSync(new URL('../dist/sidebar/sidebar.js', import.meta.url), 'utf8');
  // HtmlService's google.script.run, answering getState with the state the page's hash names.
  const run = `window.google={script:{run:(function runner(ok){return{withSuccessHandler:(f)=>runner(f),withFailureHandler:()=>runner(ok),getState:()=>setTimeout(()=>ok(window.sheetcastState))}})()}};`;
  site = await world.serveSite({
    '/sidebar': { body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sheetcast</title><script>${run}</script></head><body><script>${bundle}</script></body></html>` },
  });
});

function sidebarState(published: boolean): SidebarState {
  const relay = world.relay.url;
  return {
    published,
    title: 'Sheetcast demo: a live scoreboard',
    ranges: published ? [{ sheet: 'Scoreboard', range: 'A1:E8' }] : [],
    access: 'link',
    allow: [],
    shareId: published ? shareId : null,
    viewUrl: published ? `${relay}/view/${shareId}` : null,
    embedUrl: published ? `${relay}/embed.js` : null,
    sentToday: published ? 12 : 0,
    lastError: null,
    relayUrl: relay,
    user: 'publisher@example.com',
    embedSnippet: published ? `<script src="${relay}/embed.js" async></script>\n<sheetcast-view share="${shareId}"></sheetcast-view>` : null,
    triggersInstalled: published,
    pending: 0,
    resync: false,
    lastSentAt: null,
    recent: [],
  };
}

describe.each(SCHEMES)('in the %s colour scheme', (colorScheme) => {
  it('the home page and the privacy policy', async () => {
    const page = await openPage(world.browser, { colorScheme });
    await page.goto(`${world.relay.url}/`);
    await eventually(async () => expect(await page.locator('sheetcast-view td[data-cell="A2"]').textContent({ timeout: 500 })).toBe('Team'));
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${world.relay.url}/privacy`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the live view', async () => {
    const page = await openPage(world.browser, { colorScheme });
    await page.goto(`${world.relay.url}/view/${shareId}`);
    await eventually(async () => expect(await page.locator('sheetcast-view td[data-cell="A2"]').textContent({ timeout: 500 })).toBe('Team'));
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the sidebar: its first run, with the relay out of reach, and once published', async () => {
    for (const moment of ['first run', 'relay out of reach', 'published'] as const) {
      const published = moment === 'published';
      const page = await openPage(world.browser, { colorScheme, viewport: { width: 300, height: 760 } });
      await page.addInitScript((state) => ((globalThis as unknown as { sheetcastState: SidebarState }).sheetcastState = state), sidebarState(published));
      if (moment === 'relay out of reach') await page.route(`${world.relay.url}/healthz`, (route) => route.abort('blockedbyclient'));
      await page.goto(`${site.url}/sidebar`);
      const pill = page.locator('sheetcast-sidebar [role=status]');
      await eventually(async () => expect(await pill.textContent()).toBe(published ? 'Live' : 'Not published'));
      if (!published) await eventually(async () => expect(await page.locator('sheetcast-first-run .step').count()).toBe(1));
      if (moment === 'relay out of reach') await eventually(async () => expect(await page.locator('sheetcast-first-run [role=alert]').count()).toBe(1));
      expect(await seriousViolations(page), moment).toEqual([]);
    }
  });
});

describe('the check itself', () => {
  it('finds a planted violation, in a shadow root too', async () => {
    const page = await openPage(world.browser);
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>t</title></head><body><main><div id="host"></div></main>' +
        '<script>document.getElementById("host").attachShadow({mode:"open"}).innerHTML = "<button></button>";</script></body></html>',
    );
    expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^critical button-name .*#host/)]);
  });
});
