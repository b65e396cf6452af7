// A relay killed and restarted, or the network lost, under an open view: the page converges without a reload.
import { describe, expect, it } from 'vitest';
import { cellText, openPage, useBrowserRelay } from './helpers/browser.ts';
import { cell, eventually, postEdits, publishDoc, putSnapshot, snapshotOf } from './helpers/index.ts';

const world = useBrowserRelay();

describe('the view across a relay restart or a lost network', () => {
  it('shows the right final values after the relay is killed and restarted, without a reload', async () => {
    const doc = await publishDoc(world.relay, { title: 'Tally', ranges: [{ sheet: 'Sheet1', range: 'A1:B3' }] });
    await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range: 'A1:B3', values: [['North', '0'], ['South', '0'], ['East', '0']] }]);
    const page = await openPage(world.browser);
    await page.goto(`${world.relay.url}/view/${doc.shareId}`);
    await page.evaluate('window.sameDocument = true');
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('North'));

    await postEdits(world.relay, doc, [cell('B1', '10')]);
    await eventually(async () => expect(await cellText(page, 'B1')).toBe('10'));

    await world.relay.kill();
    await eventually(async () => expect(await page.locator('sheetcast-view [role=status]').textContent()).toBe('Reconnecting…'));
    expect(await cellText(page, 'B1')).toBe('10');
    await world.relay.restart();

    await postEdits(world.relay, doc, [cell('B2', '20')]);
    await postEdits(world.relay, doc, [cell('B3', '30'), cell('B1', '11')]);
    await eventually(
      async () => {
        expect(await cellText(page, 'B1')).toBe('11');
        expect(await cellText(page, 'B2')).toBe('20');
        expect(await cellText(page, 'B3')).toBe('30');
      },
      { timeoutMs: 30_000 },
    );
    const shown = await page.locator('sheetcast-view tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(shown).toEqual((await snapshotOf(world.relay, doc.shareId)).ranges[0]!.values);
    expect(await page.locator('sheetcast-view [role=status]').textContent()).toBe('Live');
    expect(await page.evaluate('window.sameDocument')).toBe(true);
  }, 60_000);

  it('says it is offline while the network is gone, and catches up as soon as it is back', async () => {
    const doc = await publishDoc(world.relay, { title: 'Queue', ranges: [{ sheet: 'Sheet1', range: 'A1' }] });
    await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range: 'A1', values: [['Ticket 1']] }]);
    const page = await openPage(world.browser);
    await page.goto(`${world.relay.url}/view/${doc.shareId}`);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('Ticket 1'));

    await page.context().setOffline(true);
    await eventually(async () => expect(await page.locator('sheetcast-view [role=status]').textContent()).toBe('Offline'));
    expect(await page.locator('sheetcast-view .message').textContent()).toContain('You are offline');
    await postEdits(world.relay, doc, [cell('A1', 'Ticket 2')]);
    await page.context().setOffline(false);
    await eventually(async () => expect(await cellText(page, 'A1')).toBe('Ticket 2'));
    expect(await page.locator('sheetcast-view [role=status]').textContent()).toBe('Live');
  });
});
