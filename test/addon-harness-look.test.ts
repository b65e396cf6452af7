// The harness's spreadsheet looks as SpreadsheetApp documents it: each getter returns what
// Google's reference says it returns, is one counted call, and a format change fires the
// change trigger with FORMAT and no edit trigger.
import { describe, expect, it } from 'vitest';
import { serviceCalls } from './apps-script/execution.ts';
import { checkboxRule, richText, WrapStrategy } from './apps-script/look.ts';
import { probe, probeHarness } from './apps-script/probe.ts';

const CODE = `
function onChangeProbe(e) { PropertiesService.getDocumentProperties().setProperty('change', e.changeType); }
function onEditProbe(e) { PropertiesService.getDocumentProperties().setProperty('edit', 'yes'); }
function range(a1) { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1').getRange(a1); }
`;

function result<T>(h: ReturnType<typeof probeHarness>, expression: string): T {
  const run = probe(h, expression);
  if (run.error !== undefined) throw run.error;
  return JSON.parse(JSON.stringify(run.result)) as T;
}

describe("SpreadsheetApp's formats", () => {
  it('gives an untouched cell the defaults, as Google returns them', () => {
    const h = probeHarness(CODE);
    h.spreadsheet.sheet('Sheet1').getRange('A1:B1').setValues([['text', 3]]);
    const read = `var r = range('A1:B1'); [r.getBackgrounds(), r.getFontColors(), r.getFontWeights(), r.getFontStyles(), r.getFontLines(), r.getFontFamilies(),
      r.getFontSizes(), r.getHorizontalAlignments(), r.getVerticalAlignments(), r.getWrapStrategies().map(function (row) { return row.map(String); }),
      r.getWrapStrategies()[0][0] === SpreadsheetApp.WrapStrategy.OVERFLOW, r.getFormulas(), r.getRichTextValues()[0][1], r.getDataValidations(), r.getMergedRanges().length,
      r.getBandings().length]`;
    expect(result(h, read)).toEqual([
      [['#ffffff', '#ffffff']],
      [['#000000', '#000000']],
      [['normal', 'normal']],
      [['normal', 'normal']],
      [['none', 'none']],
      [['Arial', 'Arial']],
      [[10, 10]],
      [['general', 'general']],
      [['bottom', 'bottom']],
      [['OVERFLOW', 'OVERFLOW']],
      true,
      [['', '']],
      null, // a number has no rich text
      [[null, null]],
      0,
      0,
    ]);
    const sheet = `var s = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1'); [s.getColumnWidth(1), s.getRowHeight(1), s.getFrozenRows(), s.getFrozenColumns()]`;
    expect(result(h, sheet)).toEqual([100, 21, 0, 0]);
  });

  it('returns what a person set: colours as #rrggbb, left and right alignment as general-left and general-right', () => {
    const h = probeHarness(CODE);
    const sheet = h.spreadsheet.sheet('Sheet1');
    const a1 = sheet.range('A1');
    a1.setBackground('#F00').setFontColor('blue').setFontWeight('bold').setFontStyle('italic').setFontLine('line-through');
    a1.setFontFamily('Georgia').setFontSize(14).setHorizontalAlignment('right').setVerticalAlignment('top').setWrapStrategy(WrapStrategy.WRAP);
    sheet.range('B1').setHorizontalAlignment('left').setFontLine('underline');
    sheet.range('C1').setHorizontalAlignment('center').setWrapStrategy(WrapStrategy.CLIP);
    const read = `var r = range('A1:C1'); [r.getBackgrounds()[0], r.getFontColors()[0], r.getFontWeights()[0], r.getFontStyles()[0], r.getFontLines()[0],
      r.getFontFamilies()[0], r.getFontSizes()[0], r.getHorizontalAlignments()[0], r.getVerticalAlignments()[0], r.getWrapStrategies()[0].map(String)]`;
    expect(result(h, read)).toEqual([
      ['#ff0000', '#ffffff', '#ffffff'],
      ['#0000ff', '#000000', '#000000'],
      ['bold', 'normal', 'normal'],
      ['italic', 'normal', 'normal'],
      ['line-through', 'underline', 'none'],
      ['Georgia', 'Arial', 'Arial'],
      [14, 10, 10],
      ['general-right', 'general-left', 'center'],
      ['top', 'bottom', 'bottom'],
      ['WRAP', 'OVERFLOW', 'CLIP'],
    ]);
    expect(() => a1.setBackground('not a colour')).toThrow(/Invalid color/);
  });

  it('keeps a format when a value is typed over it, and drops a formula or rich text', () => {
    const h = probeHarness(CODE);
    const a1 = h.spreadsheet.sheet('Sheet1').range('A1');
    a1.setBackground('#00ff00').setFormula('=HYPERLINK("https://example.com", "Example")');
    expect(result(h, `[range('A1').getFormulas()[0][0], range('A1').getDisplayValue()]`)).toEqual(['=HYPERLINK("https://example.com", "Example")', 'Example']);
    a1.setValue('plain');
    expect(result(h, `[range('A1').getFormulas()[0][0], range('A1').getBackgrounds()[0][0]]`)).toEqual(['', '#00ff00']);
  });

  it('gives merged ranges that overlap the range, and keeps only the top-left value of a merge', () => {
    const h = probeHarness(CODE);
    const sheet = h.spreadsheet.sheet('Sheet1');
    sheet.getRange('A1:C1').setValues([['Title', 'b', 'c']]);
    sheet.range('A1:C1').merge();
    expect(result(h, `[range('B1:D2').getMergedRanges().map(function (m) { return m.getA1Notation(); }), range('A1:C1').getDisplayValues()[0]]`)).toEqual([['A1:C1'], ['Title', '', '']]);
  });

  it('gives rich-text links by run, data validations by cell, and bandings with their colours', () => {
    const h = probeHarness(CODE);
    const sheet = h.spreadsheet.sheet('Sheet1');
    const range = (a1: string) => sheet.range(a1);
    range('A1').setRichTextValue(richText('Docs here', [[0, 4, 'https://example.com/docs']]));
    range('A2').setRichTextValue(richText('All linked', [[0, 10, 'https://example.com/']]));
    range('B1').setValue(true);
    range('B1').setDataValidation(checkboxRule());
    range('A1:B4').applyRowBanding();
    const read = `var r = range('A1:B2'); var rich = r.getRichTextValues(); var b = r.getBandings()[0];
      [rich[0][0].getLinkUrl(), rich[0][0].getRuns().map(function (run) { return [run.getText(), run.getLinkUrl()]; }), rich[1][0].getLinkUrl(),
       String(r.getDataValidations()[0][1].getCriteriaType()), r.getDataValidations()[0][1].getCriteriaType() === SpreadsheetApp.DataValidationCriteria.CHECKBOX,
       b.getRange().getA1Notation(), b.getHeaderRowColor(), b.getFirstRowColor(), b.getSecondRowColor(), b.getFooterRowColor(), b.getFirstColumnColor()]`;
    expect(result(h, read)).toEqual([
      null, // only part of the text is linked
      [
        ['Docs', 'https://example.com/docs'],
        [' here', null],
      ],
      'https://example.com/',
      'CHECKBOX',
      true,
      'A1:B4',
      '#bdbdbd',
      '#ffffff',
      '#f3f3f3',
      null,
      null,
    ]);
  });

  it('moves merges, bandings, sizes, hidden and frozen lines with inserted and deleted rows and columns', () => {
    const h = probeHarness(CODE);
    const sheet = h.spreadsheet.sheet('Sheet1');
    sheet.range('B2:C3').merge();
    sheet.range('A5:B8').applyRowBanding();
    sheet.setRowHeight(4, 40);
    sheet.setColumnWidth(2, 180);
    sheet.hideRows(6);
    sheet.setFrozenRows(2);
    sheet.insertRowsBefore(1, 2);
    sheet.insertColumnsBefore(1, 1);
    sheet.deleteRows(9, 1); // the banding's second row, once moved
    const read = `var s = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1'); var r = s.getRange('A1:J20');
      [r.getMergedRanges().map(function (m) { return m.getA1Notation(); }), r.getBandings().map(function (b) { return b.getRange().getA1Notation(); }),
       s.getRowHeight(6), s.getRowHeight(4), s.getColumnWidth(3), s.getColumnWidth(2), s.isRowHiddenByUser(8), s.isRowHiddenByUser(6), s.getFrozenRows()]`;
    expect(result(h, read)).toEqual([['C4:D5'], ['B7:C9'], 40, 21, 180, 100, true, false, 4]);
  });

  it('counts each getter as one call, and each method of the objects a grid holds as one more', () => {
    const h = probeHarness(CODE);
    h.spreadsheet.sheet('Sheet1').getRange('A1:B2').setValues([['a', 'b'], ['c', 'd']]);
    const run = probe(h, `var r = range('A1:B2'); r.getBackgrounds(); r.getFontWeights(); r.getRichTextValues().forEach(function (row) { row.forEach(function (t) { t.getLinkUrl(); }); });`);
    expect(run.calls).toMatchObject({ 'Range.getBackgrounds': 1, 'Range.getFontWeights': 1, 'Range.getRichTextValues': 1, 'RichTextValue.getLinkUrl': 4 });
    expect(serviceCalls(run)).toBe(3 + 3 + 4); // the spreadsheet, its sheet and the range; three getters; four links
  });

  it('fires the change trigger with FORMAT, and no edit trigger, for a format change', () => {
    const h = probeHarness(CODE);
    probe(h, `ScriptApp.newTrigger('onChangeProbe').forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet()).onChange().create()`);
    probe(h, `ScriptApp.newTrigger('onEditProbe').forSpreadsheet(SpreadsheetApp.getActiveSpreadsheet()).onEdit().create()`);
    const runs = h.format('bob@example.com', (ss) => ss.sheet('Sheet1').range('A1').setBackground('#ff0000'));
    expect(runs.map((r) => r.handler)).toEqual(['onChangeProbe']);
    expect(h.properties.document.map.get('change')).toBe('FORMAT');
    expect(h.properties.document.map.has('edit')).toBe(false);
  });
});
