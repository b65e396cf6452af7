// The listing's screenshots, taken from the real thing: a relay started with its demo scoreboard,
// its home page and live view, and the add-on's sidebar bundle (answering for a published sheet)
// beside that sheet's cells, as Google Sheets shows them.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { SidebarState } from '../../protocol/sidebar.ts';
import type { ShareSnapshot } from '../../protocol/wire.ts';
import { buildSidebar } from '../build-sidebar.ts';
import { startRelay, type Relay } from './relay-process.ts';

type Size = { width: number; height: number };

/** Polls `check` until it holds: rendering is asynchronous (socket, snapshot, paint). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`listing screenshots: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function demoShare(relay: Relay): Promise<string> {
  const home = await (await fetch(`${relay.url}/`)).text();
  const share = /<sheetcast-view share="([^"]+)"/.exec(home)?.[1];
  if (!share) throw new Error('listing screenshots: the relay\'s home page shows no demo');
  return share;
}

/** A sheet's cells as Google Sheets draws them, for the sidebar screenshot's left side. */
function sheetGrid(snapshot: ShareSnapshot): string {
  const values = snapshot.ranges[0]?.values ?? [];
  const letters = (values[0] ?? []).map((_, i) => String.fromCharCode(65 + i));
  const cell = 'border:1px solid #e1e3e1;padding:3px 8px;min-width:90px;height:20px';
  const head = 'background:#f8f9fa;color:#5f6368;text-align:center;font-size:12px';
  const rows = values.map((row, r) => `<tr><td style="${cell};${head};min-width:30px">${r + 1}</td>${row.map((v) => `<td style="${cell}">${v.replace(/</g, '&lt;')}</td>`).join('')}</tr>`);
  return `<table style="border-collapse:collapse;font:13px Arial,sans-serif;margin:0"><tr><td style="${cell};${head};min-width:30px"></td>${letters.map((l) => `<td style="${cell};${head}">${l}</td>`).join('')}</tr>${rows.join('')}</table>`;
}

/** The relay's address as the screenshots show it: a listing should not show a loopback address. */
const SHOWN_ORIGIN = 'https://sheetcast.example.com';

function publishedState(relay: Relay, shareId: string, title: string): SidebarState {
  const viewUrl = `${SHOWN_ORIGIN}/view/${shareId}`;
  return {
    published: true,
    title,
    ranges: [{ sheet: 'Scoreboard', range: 'A1:E8' }],
    access: 'link',
    allow: [],
    shareId,
    viewUrl,
    // The sidebar's socket follows this one: the relay's real address.
    embedUrl: `${relay.url}/embed.js`,
    sentToday: 128,
    lastError: null,
    relayUrl: relay.url,
    user: 'publisher@example.com',
    embedSnippet: `<script src="${SHOWN_ORIGIN}/embed.js" async></script>\n<sheetcast-view share="${shareId}"></sheetcast-view>`,
    triggersInstalled: true,
    pending: 0,
    resync: false,
    lastSentAt: Date.now(),
    recent: [],
  };
}


async function sidebarPage(page: Page, relay: Relay, shareId: string): Promise<void> {
  const snapshot = (await (await fetch(`${relay.url}/v1/shares/${shareId}/snapshot`)).json()) as ShareSnapshot;
  const bundle = await readFile(new URL('../../dist/sidebar/sidebar.js', import.meta.url), 'utf8');
  // Inside a <script>: the snippet's own </script> must not end it.
  const state = JSON.stringify(publishedState(relay, shareId, snapshot.title)).replace(/</g, '\\u003c');
  // HtmlService's google.script.run, answering getState for a published sheet.
  const run = `window.google={script:{run:(function runner(ok){return{withSuccessHandler:(f)=>runner(f),withFailureHandler:()=>runner(ok),getState:()=>setTimeout(()=>ok(${state}))}})()}};`;
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sheetcast</title></head><body style="margin:0;display:flex;height:100vh;font-family:Arial,sans-serif">' +
    `<div style="flex:1;overflow:hidden;background:#fff"><div style="height:48px;border-bottom:1px solid #e1e3e1;display:flex;align-items:center;padding:0 16px;font-size:18px;color:#1f1f1f">${snapshot.title}</div><div style="padding:8px">${sheetGrid(snapshot)}</div></div>` +
    '<div style="width:300px;border-left:1px solid #dadce0;overflow:auto;background:#fff"><sheetcast-sidebar></sheetcast-sidebar></div>' +
    `<script>${run}</script><script>${bundle}</script></body></html>`;
  // From a loopback server of its own, as Google's iframe has an origin of its own (Chromium keeps
  // pages that are not on a local address off the relay's loopback one).
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  page.once('close', () => server.close());
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

/** Takes each screenshot into `out`; returns the file names. */
export async function takeScreenshots(browser: Browser, out: string, size: Size): Promise<string[]> {
  await buildSidebar();
  const relay = await startRelay({ env: { SHEETCAST_DEMO: '1', PUBLIC_URL: SHOWN_ORIGIN } });
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, colorScheme: 'light' });
  try {
    const shareId = await demoShare(relay);
    const shots: string[] = [];
    // Each on a fresh page: the relay's pages bring their CSP, which would refuse the sidebar's inline scripts.
    const shoot = async (name: string, show: (page: Page) => Promise<void>) => {
      const page = await context.newPage();
      await show(page);
      await page.screenshot({ path: out + name });
      await page.close();
      shots.push(name);
    };
    // A few matches played, so the table is not all zeros.
    const played = (page: Page) => async () => Number(await page.locator('sheetcast-view td[data-cell="B3"]').textContent({ timeout: 500 })) >= 2;

    await shoot('screenshot-1-view.png', async (page) => {
      await page.goto(`${relay.url}/view/${shareId}`);
      await until(played(page), 'the live view');
    });
    // Someone watching, so the sidebar's viewer count has one to show.
    const viewer = await context.newPage();
    await viewer.goto(`${relay.url}/view/${shareId}`);
    await shoot('screenshot-2-sidebar.png', async (page) => {
      await sidebarPage(page, relay, shareId);
      await until(async () => (await page.locator('sheetcast-sidebar .viewers').textContent({ timeout: 500 })) === '1', 'the sidebar');
    });
    await viewer.close();
    await shoot('screenshot-3-home.png', async (page) => {
      await page.goto(`${relay.url}/`);
      await until(played(page), "the home page's demo");
    });
    return shots;
  } finally {
    await context.close();
    await relay.stop();
  }
}
