// The sidebar's Webhooks section, through the built add-on in the Apps Script harness and the
// real relay: the publisher adds an endpoint, sees its signing secret once, the endpoint gets
// the sheet's next edit signed, and removing it stops that.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPage, SCRIPT_RUN_VIA_HARNESS, useBrowserWith } from './helpers/browser.ts';
import { eventually, FAST_WEBHOOKS, startReceiver, testSecretKey, verify } from './helpers/index.ts';
import { EDITOR, PUBLISHER, startAddonWorld } from './apps-script/setup.ts';

const world = useBrowserWith(
  () => startAddonWorld({ sidebar: true, relayEnv: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey() } }),
  (started) => started.close(),
  { build: false },
);

describe('webhooks in the sidebar', () => {
  it('adds an endpoint, shows its secret once, the endpoint gets the next edit signed, and removes it', async () => {
    const sheet = world.spreadsheet();
    sheet.edit(PUBLISHER, 'Sheet1', 'A1:B2', [
      ['Team', 'Points'],
      ['Reds', '1'],
    ]);
    const state = sheet.run(PUBLISHER, 'publish', { title: 'Hooks', ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }], access: 'link', allow: [] });
    expect(state.lastError).toBeNull();
    const endpoint = await startReceiver();

    const site = await world.serveSite({ '/sidebar': { body: await readFile(`${world.dir}/Sidebar.html`, 'utf8') } });
    const page = await openPage(world.browser, { viewport: { width: 300, height: 900 } });
    await page.addInitScript(SCRIPT_RUN_VIA_HARNESS);
    await page.exposeFunction('appsScript', (name: string, args: string) => JSON.stringify(sheet.run(PUBLISHER, name as 'getState', ...(JSON.parse(args) as []))));
    await page.goto(`${site.url}/sidebar`);
    const panel = page.locator('sheetcast-webhooks-panel');
    await panel.locator('summary').click();
    await eventually(async () => expect(await panel.textContent()).toContain('No webhooks yet.'));
    await panel.getByLabel('Address').fill(endpoint.url);
    await panel.getByRole('button', { name: 'Add webhook' }).click();
    const secretField = panel.getByLabel('Signing secret');
    await eventually(async () => expect(await secretField.inputValue()).toMatch(/^whsec_/));
    const secret = await secretField.inputValue();
    expect(await panel.locator('.hooks li .url').allTextContents()).toEqual([endpoint.url]);
    expect(await panel.locator('.hooks li').textContent()).toContain('active');

    sheet.edit(EDITOR, 'Sheet1', 'B2', '5');
    await eventually(() => expect(endpoint.accepted().length).toBeGreaterThan(0));
    const event = verify(secret, endpoint.accepted()[0]!);
    expect(event).toMatchObject({ type: 'sheet.delta', changes: [{ sheet: 'Sheet1', range: 'B2', values: [['5']] }] });

    await panel.getByRole('button', { name: `Remove the webhook to ${endpoint.url}` }).click();
    await eventually(async () => expect(await panel.textContent()).toContain('No webhooks yet.'));
    expect(sheet.run(PUBLISHER, 'listWebhooks')).toEqual([]);
    expect(page.errors).toEqual([]);
    endpoint.close();
  });

  it('refuses an address that is not http(s) in words, and needs a published doc', () => {
    const sheet = world.spreadsheet();
    expect(() => sheet.run(PUBLISHER, 'listWebhooks')).toThrow('Publish first: webhooks belong to a published doc.');
    sheet.run(PUBLISHER, 'publish', { title: 'Hooks', ranges: [{ sheet: 'Sheet1', range: 'A1' }], access: 'link', allow: [] });
    expect(() => sheet.run(PUBLISHER, 'addWebhook', 'ftp://example.com/')).toThrow('A webhook is an https:// address.');
    expect(sheet.run(PUBLISHER, 'listWebhooks')).toEqual([]);
  });
});
