// The sheet's look through every part at once: formats set in the Apps Script harness's sheet,
// read by the built add-on, stored and sent by the real relay, and rendered by <sheetcast-view>
// in Chromium — and a background changed in the sheet changing in the open view, no reload.
import { expect, it } from 'vitest';
import { checkboxRule } from './apps-script/look.ts';
import { EDITOR, ok, PUBLISHER, startAddonWorld } from './apps-script/setup.ts';
import { cellText, computedStyle, openPage, useBrowserWith } from './helpers/browser.ts';
import { eventually } from './helpers/index.ts';

const world = useBrowserWith(() => startAddonWorld(), (started) => started.close());

const td = (cell: string) => `sheetcast-view td[data-cell="${cell}"]`;

it('shows the look the add-on read from the sheet, and a format changed in the sheet without a reload', async () => {
  const sheet = world.spreadsheet();
  const s = sheet.spreadsheet.sheet('Sheet1');
  s.getRange('A1:C5').setValues([
    ['League', '', ''],
    ['Team', 'Points', 'Paid'],
    ['Reds', 10, true],
    ['Hidden team', 99, false],
    ['Blues', 7, false],
  ]);
  s.range('A1:C1').merge();
  s.range('A1').setBackground('#1f4e79').setFontColor('#ffffff').setFontWeight('bold').setHorizontalAlignment('center');
  s.range('B3:B5').setHorizontalAlignment('right');
  s.range('C3:C5').setDataValidation(checkboxRule());
  s.range('A3').setFormula('=HYPERLINK("javascript:alert(1)", "Reds")');
  s.setColumnWidth(1, 180);
  s.setFrozenRows(2);
  s.hideRows(4);
  const state = sheet.run(PUBLISHER, 'publish', { title: 'League', ranges: [{ sheet: 'Sheet1', range: 'A1:C5' }], access: 'link', allow: [] });
  expect(state.lastError).toBeNull();

  const page = await openPage(world.browser);
  await page.goto(`${world.relay.url}/view/${state.shareId}`);
  await eventually(async () => expect(await cellText(page, 'A1')).toBe('League'));
  const style = (cell: string, property: string) => computedStyle(page, td(cell), property);
  expect(await style('A1', 'background-color')).toBe('rgb(31, 78, 121)');
  expect(await style('A1', 'color')).toBe('rgb(255, 255, 255)');
  expect(await style('A1', 'font-weight')).toBe('700');
  expect(await style('A1', 'text-align')).toBe('center');
  expect(await page.locator(td('A1')).getAttribute('colspan')).toBe('3');
  expect(await style('B3', 'text-align')).toBe('right');
  expect(Math.round(await page.locator(td('A2')).evaluate((el) => el.getBoundingClientRect().width))).toBe(180);
  expect(await page.locator(`${td('C3')} input[type=checkbox]`).isChecked()).toBe(true);
  expect(await page.locator(`${td('C5')} input[type=checkbox]`).isChecked()).toBe(false);
  // A javascript: link is no link at all; the hidden row is not there, and neither is its value.
  expect(await page.locator(`${td('A3')} a`).count()).toBe(0);
  expect(await page.locator(td('A4')).count()).toBe(0);
  expect(await page.locator('sheetcast-view').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('Hidden team');
  expect(await page.locator(td('A2')).evaluate((el) => getComputedStyle(el).position)).toBe('sticky');

  // Someone recolours the title in the sheet: the add-on's change trigger sends the format, the view repaints.
  const runs = ok(sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('A1').setBackground('#d93025')));
  expect(runs.map((r) => r.handler)).toEqual(['onSheetChange']);
  await eventually(async () => expect(await style('A1', 'background-color')).toBe('rgb(217, 48, 37)'));
  expect(page.errors).toEqual([]);
});
