// The sheet's look in the live view: formats PUT to the real relay with a snapshot (or POSTed
// as a delta) and rendered by <sheetcast-view> in Chromium, checked by computed styles and spans.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PublishResponse, RangeFormat } from '../protocol/wire.ts';
import { cellText, computedStyle, mutatedCells, openPage, textContrast, useBrowserRelay, watchCellMutations } from './helpers/browser.ts';
import { eventually, postEdits, publishDoc, putSnapshot } from './helpers/index.ts';

const world = useBrowserRelay();

const VALUES = [
  ['Scores', '', '', ''],
  ['Team', 'Won', 'Points', 'Site'],
  ['Comets with a long name that wraps', 'three', '10', 'Club'],
  ['Lynxes', '2', '7', 'Evil'],
  ['Secret row', '9', 'secret cell', 'x'],
  ['Foxes', 'TRUE', '5', 'Write'],
  ['Otters', 'FALSE', '3', ''],
];

const FORMAT: RangeFormat = {
  styles: [
    { bold: true, size: 14, font: 'Georgia', h: 'center' },
    { bg: '#1f4e79', color: '#ffffff', bold: true },
    { italic: true, underline: true, strike: true, v: 'top', h: 'right' },
    { wrap: 'wrap', v: 'middle' },
    { bg: '#fff2cc' },
    {},
  ],
  // Every cell's style index: the relay checks the table's shape against the range.
  cells: [[0, 0, 0, 0], [1, 1, 1, 1], [3, 2, 4, 4], [5, 5, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5]],
  merges: [[0, 0, 1, 4]],
  widths: [120, 70, 80, 100],
  heights: [[0, 40]],
  frozen: { rows: 2, columns: 1 },
  hidden: { rows: [4], columns: [2] },
  links: [[2, 3, 'https://example.com/comets'], [3, 3, 'javascript:alert(document.domain)'], [5, 3, 'mailto:foxes@example.com']],
  checks: [[5, 1], [6, 1]],
};

async function publishFormatted(values: string[][], format: RangeFormat, range: string): Promise<PublishResponse> {
  const doc = await publishDoc(world.relay, { title: 'Formatted', ranges: [{ sheet: 'Sheet1', range }] });
  const put = await putSnapshot(world.relay, doc, [{ sheet: 'Sheet1', range, values, format }]);
  expect(put.status).toBe(200);
  return doc;
}

async function openView(doc: PublishResponse, first: string, options: Parameters<typeof openPage>[1] = {}): Promise<Page & { errors: string[] }> {
  const page = await openPage(world.browser, options);
  // The relay's CSP allows no inline style attributes: formats must be applied without them.
  page.on('console', (message) => message.text().includes('Content Security Policy') && page.errors.push(message.text()));
  await page.goto(`${world.relay.url}/view/${doc.shareId}`);
  await eventually(async () => expect(await cellText(page, first)).not.toBeNull());
  return page;
}

const td = (cell: string) => `sheetcast-view td[data-cell="${cell}"]`;
const style = (page: Page, cell: string, property: string) => computedStyle(page, td(cell), property);
const box = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);

afterEach(async () => {
  for (const context of world.browser.contexts()) await context.close();
});

describe('the view shows the sheet’s formats', () => {
  it('renders each style as the sheet has it', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1');
    expect(await style(page, 'A1', 'font-weight')).toBe('700');
    expect(await style(page, 'A1', 'font-size')).toBe('18.6667px'); // 14 pt
    expect(await style(page, 'A1', 'font-family')).toMatch(/^Georgia, "Times New Roman", Times, serif$/);
    expect(await style(page, 'A1', 'text-align')).toBe('center');
    expect(await style(page, 'A2', 'background-color')).toBe('rgb(31, 78, 121)');
    expect(await style(page, 'A2', 'color')).toBe('rgb(255, 255, 255)');
    expect(await style(page, 'B3', 'font-style')).toBe('italic');
    expect(await style(page, 'B3', 'text-decoration-line')).toBe('underline line-through');
    expect(await style(page, 'B3', 'vertical-align')).toBe('top');
    expect(await style(page, 'B3', 'text-align')).toBe('right');
    expect(await style(page, 'A3', 'white-space')).toBe('pre-wrap');
    expect(await style(page, 'A3', 'vertical-align')).toBe('middle');
    // The sheet's default: Arial 10 pt at the bottom of the cell.
    expect(await style(page, 'A4', 'font-family')).toMatch(/^Arial/);
    expect(await style(page, 'A4', 'vertical-align')).toBe('bottom');
    expect(page.errors).toEqual([]);
  });

  it('spans merged cells, leaves covered ones out, and sizes columns and rows', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1');
    // Four columns merged, one of them hidden: the title spans the three shown.
    expect(await page.locator(td('A1')).getAttribute('colspan')).toBe('3');
    expect(await page.locator('sheetcast-view td[data-cell="B1"], sheetcast-view td[data-cell="D1"]').count()).toBe(0);
    expect(Math.round((await box(page, td('A4'))).width)).toBe(120);
    expect(Math.round((await box(page, td('B4'))).width)).toBe(70);
    expect(Math.round((await box(page, td('D4'))).width)).toBe(100);
    expect(Math.round((await box(page, td('A1'))).height)).toBe(40);
    // A wrapped cell grows its row instead of cutting the text.
    expect((await box(page, td('A3'))).height).toBeGreaterThan((await box(page, td('A4'))).height);
  });

  it('shows neither hidden rows nor hidden columns', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1');
    expect(await page.locator('sheetcast-view thead th[scope=col]').allTextContents()).toEqual(['A', 'B', 'D']);
    expect(await page.locator('sheetcast-view tbody th[scope=row]').allTextContents()).toEqual(['1', '2', '3', '4', '6', '7']);
    const text = await page.locator('sheetcast-view table').textContent();
    expect(text).not.toContain('Secret row');
    expect(text).not.toContain('secret cell');
    expect(text).not.toContain('Points');
  });

  it('makes http, https and mailto links clickable, and a javascript: link plain text', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1');
    const link = page.locator(`${td('D3')} a`);
    expect(await link.getAttribute('href')).toBe('https://example.com/comets');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await page.locator(`${td('D6')} a`).getAttribute('href')).toBe('mailto:foxes@example.com');
    expect(await page.locator(`${td('D4')} a`).count()).toBe(0);
    expect(await cellText(page, 'D4')).toBe('Evil');
    const before = page.url();
    await page.locator(td('D4')).click();
    expect(page.url()).toBe(before);
    expect(page.errors).toEqual([]);
  });

  it('shows checkboxes, disabled, ticked for TRUE', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1');
    const ticked = page.locator(`${td('B6')} input[type=checkbox]`);
    const unticked = page.locator(`${td('B7')} input[type=checkbox]`);
    expect([await ticked.isChecked(), await ticked.isDisabled()]).toEqual([true, true]);
    expect([await unticked.isChecked(), await unticked.isDisabled()]).toEqual([false, true]);
  });

  it('keeps the sheet’s colours in the dark theme, readable, and darkens only unformatted cells', async () => {
    const page = await openView(await publishFormatted(VALUES, FORMAT, 'A1:D7'), 'A1', { colorScheme: 'dark' });
    expect(await style(page, 'A2', 'background-color')).toBe('rgb(31, 78, 121)');
    expect(await style(page, 'D3', 'background-color')).toBe('rgb(255, 242, 204)');
    expect(await style(page, 'D3', 'color')).toBe('rgb(0, 0, 0)');
    expect(await textContrast(page, td('D3'))).toBeGreaterThanOrEqual(4.5);
    expect(await computedStyle(page, 'sheetcast-view', 'background-color')).toBe('rgb(27, 28, 29)');
    expect(await textContrast(page, td('A4'))).toBeGreaterThanOrEqual(4.5);
  });

  it('changes a background in an open view when a format delta arrives, without a reload', async () => {
    const doc = await publishFormatted(VALUES, FORMAT, 'A1:D7');
    const page = await openView(doc, 'A1');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const styles = [...FORMAT.styles];
    styles[1] = { bg: '#b7e1cd', bold: true };
    const posted = await postEdits(world.relay, doc, [], { formats: [{ sheet: 'Sheet1', range: 'A1:D7', format: { ...FORMAT, styles } }] });
    expect(posted.status).toBe(200);
    await eventually(async () => expect(await style(page, 'A2', 'background-color')).toBe('rgb(183, 225, 205)'));
    expect(await style(page, 'A2', 'color')).toBe('rgb(0, 0, 0)');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });
});

describe('a formatted range, live', () => {
  it('re-renders only the changed cell on a value edit: styles are not written again', async () => {
    const doc = await publishFormatted(VALUES, FORMAT, 'A1:D7');
    const page = await openView(doc, 'A1');
    await watchCellMutations(page);
    await postEdits(world.relay, doc, [{ sheet: 'Sheet1', range: 'B4', values: [['4']] }]);
    await eventually(async () => expect(await cellText(page, 'B4')).toBe('4'));
    expect(await mutatedCells(page)).toEqual(['B4']);
  });
});

describe('frozen rows and columns', () => {
  it('keep the header row and first column in view while a 200-row range scrolls both ways', async () => {
    const values = Array.from({ length: 200 }, (_, r) => Array.from({ length: 30 }, (_, c) => (r === 0 ? `Heading ${c}` : c === 0 ? `Row ${r}` : `${r}.${c}`)));
    const doc = await publishFormatted(values, { styles: [], frozen: { rows: 1, columns: 1 } }, 'A1:AD200');
    const page = await openView(doc, 'A1');
    const scroller = 'sheetcast-view .scroller';
    await page.locator(scroller).evaluate((el) => el.scrollTo(el.scrollWidth, el.scrollHeight));
    await eventually(async () => expect(await page.locator(scroller).evaluate((el) => el.scrollTop)).toBeGreaterThan(3000));
    const frame = await box(page, scroller);
    const header = await box(page, 'sheetcast-view thead th[data-col="5"]');
    const [corner, heading, first] = [await box(page, td('A1')), await box(page, td('AD1')), await box(page, td('A200'))];
    // A1 sits just below the column letters and right of the row numbers, as before scrolling.
    expect(Math.round(corner.top)).toBe(Math.round(header.bottom));
    expect(corner.left).toBeLessThan(frame.left + 60);
    expect(heading.top).toBe(corner.top);
    expect(first.left).toBe(corner.left);
    expect(first.bottom).toBeLessThanOrEqual(frame.bottom + 1);
  });

  it('stay in view over a windowed 10,000-row range, and a merge cut by the window is rendered whole', async () => {
    const values = Array.from({ length: 10_000 }, (_, r) => [r === 0 ? 'Name' : `item ${r + 1}`, r === 0 ? 'Count' : String(r)]);
    const cells = values.map((_, r) => [r === 0 ? 0 : 1, 1]);
    const format: RangeFormat = { styles: [{ bold: true }, {}], cells, frozen: { rows: 1, columns: 0 }, merges: [[4999, 0, 30, 1]] };
    const doc = await publishFormatted(values, format, 'A1:B10000');
    const page = await openView(doc, 'A1');
    const scroller = page.locator('sheetcast-view .scroller');
    // Scroll into the middle of the merge: its anchor, 15 rows up, is still rendered and spans all 30 rows.
    await scroller.evaluate((el) => {
      const row = el.querySelector('tbody tr:not(.spacer):not(.frozen)')!.getBoundingClientRect().height;
      el.scrollTo(0, row * 5015);
    });
    await eventually(async () => expect(await cellText(page, 'B5016')).toBe('5015'));
    expect(await page.locator(td('A5000')).getAttribute('rowspan')).toBe('30');
    expect(await page.locator(td('A5016')).count()).toBe(0);
    expect(await page.locator('sheetcast-view tbody tr').count()).toBeLessThan(300);
    const [top, heading] = [await box(page, 'sheetcast-view .scroller'), await box(page, td('A1'))];
    expect(heading.top).toBeGreaterThanOrEqual(top.top);
    expect(heading.bottom).toBeLessThan(top.top + 80);
    expect(await style(page, 'A1', 'font-weight')).toBe('700');
  });
});
