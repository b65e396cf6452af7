// `/embed.js` on somebody else's site: one script tag and one element per view.
import { describe, expect, it } from 'vitest';
import { cellClass, cellText, openPage, screenshot, serveSite, useBrowserRelay } from './helpers/browser.ts';
import { cell, eventually, postEdits, publishDoc, putSnapshot } from './helpers/index.ts';

const world = useBrowserRelay();

describe('the embed script', () => {
  it('is public, cacheable JavaScript that any site may load', async () => {
    const response = await fetch(`${world.relay.url}/embed.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('max-age');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await fetch(`${world.relay.url}/embed.js`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
  });

  it('lets a page on another site show two views of two shares, pasted as two snippets, and updates both', async () => {
    const docs = [];
    for (const [title, value] of [
      ['Queue', 'Ticket 41'],
      ['Stock', '12 boxes'],
    ] as const) {
      const doc = await publishDoc(world.relay, { title, ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] });
      await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range: 'A1:B2', values: [[title, ''], [value, '']] }]);
      docs.push(doc);
    }
    const [queue, stock] = docs as [(typeof docs)[0], (typeof docs)[0]];
    // Exactly what the sidebar hands out, twice: the script comes twice, as it would.
    const snippet = (share: string, id: string) =>
      `<script src="${world.relay.url}/embed.js" async></script>\n<sheetcast-view id="${id}" share="${share}"></sheetcast-view>`;
    const site = await world.serveSite({
      '/': {
        body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>Club news</title>
          <h1>Club news</h1><p>Now serving:</p>${snippet(queue.shareId, 'queue')}
          <p>In the shop:</p>${snippet(stock.shareId, 'stock')}`,
      },
    });
    const page = await openPage(world.browser);
    await page.goto(site.url);
    await eventually(async () => {
      expect(await cellText(page, 'A2', '#queue')).toBe('Ticket 41');
      expect(await cellText(page, 'A2', '#stock')).toBe('12 boxes');
    });
    await postEdits(world.relay, queue, [cell('A2', 'Ticket 42')]);
    await postEdits(world.relay, stock, [cell('A2', '11 boxes')]);
    await eventually(async () => {
      expect(await cellText(page, 'A2', '#queue')).toBe('Ticket 42');
      expect(await cellText(page, 'A2', '#stock')).toBe('11 boxes');
    });
    expect(await cellClass(page, 'A2', '#queue')).toMatch(/flash/);
    expect(await page.locator('#queue .title').textContent()).toBe('Queue');
    expect(await page.locator('#stock .title').textContent()).toBe('Stock');
    expect(page.errors).toEqual([]);
    await screenshot(page, 'view-embed');
  });

  it('talks to the relay named by the relay attribute when the script came from elsewhere', async () => {
    const doc = await publishDoc(world.relay, { title: 'Mirror', ranges: [{ sheet: 'Sheet1', range: 'A1' }] });
    await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range: 'A1', values: [['from the relay']] }]);
    const embed = await (await fetch(`${world.relay.url}/embed.js`)).text();
    const mirror = await serveSite({
      '/js/embed.js': { body: embed, type: 'text/javascript' },
      '/': { body: `<script src="/js/embed.js"></script><sheetcast-view share="${doc.shareId}" relay="${world.relay.url}"></sheetcast-view>` },
    });
    try {
      const page = await openPage(world.browser);
      await page.goto(mirror.url);
      await eventually(async () => expect(await cellText(page, 'A1')).toBe('from the relay'));
    } finally {
      await mirror.close();
    }
  });
});
