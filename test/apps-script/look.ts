/// <reference types="google-apps-script" />
// How the in-memory spreadsheet's cells look, with the values SpreadsheetApp's getters return
// (reference/spreadsheet/range): getBackgrounds gives `#ffffff` for an unfilled cell,
// getFontWeights `bold`/`normal`, getFontStyles `italic`/`normal`, getFontLines
// `underline`/`line-through`/`none`, getHorizontalAlignments `general` until set, then
// `general-left`, `center`, `general-right`; getVerticalAlignments `top`/`middle`/`bottom`;
// getWrapStrategies SpreadsheetApp.WrapStrategy values. Rich text, data validations, bandings
// and colours are objects whose every method is counted, as any object Apps Script hands out.
import type { Rect } from '../../protocol/a1.ts';

/** An Apps Script enum value (SpreadsheetApp.WrapStrategy.WRAP…): compared by identity, printed by name. */
export class Enum {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  toString(): string {
    return this.name;
  }
}

function enumOf<K extends string>(...names: K[]): Record<K, Enum> {
  return Object.freeze(Object.fromEntries(names.map((n) => [n, new Enum(n)]))) as Record<K, Enum>;
}

export const WrapStrategy = enumOf('WRAP', 'OVERFLOW', 'CLIP');
export const DataValidationCriteria = enumOf('CHECKBOX', 'VALUE_IN_LIST', 'NUMBER_BETWEEN', 'TEXT_IS_VALID_EMAIL');
export const ColorType = enumOf('RGB', 'THEME', 'UNSUPPORTED');

/** A cell's own format, as the getters return it. */
export interface Style {
  background: string;
  fontColor: string;
  fontWeight: 'bold' | 'normal';
  fontStyle: 'italic' | 'normal';
  fontLine: 'underline' | 'line-through' | 'none';
  fontFamily: string;
  fontSize: number;
  horizontal: 'general' | 'general-left' | 'center' | 'general-right';
  vertical: 'top' | 'middle' | 'bottom';
  wrap: Enum;
}

/** A new sheet's cells: Arial 10, black on white, aligned by value, at the bottom, overflowing. */
export const DEFAULT_STYLE: Readonly<Style> = Object.freeze({
  background: '#ffffff',
  fontColor: '#000000',
  fontWeight: 'normal',
  fontStyle: 'normal',
  fontLine: 'none',
  fontFamily: 'Arial',
  fontSize: 10,
  horizontal: 'general',
  vertical: 'bottom',
  wrap: WrapStrategy.OVERFLOW,
});

export const DEFAULT_COLUMN_WIDTH = 100;
export const DEFAULT_ROW_HEIGHT = 21;

const NAMED: Record<string, string> = { white: '#ffffff', black: '#000000', red: '#ff0000', green: '#008000', blue: '#0000ff', yellow: '#ffff00' };

/** Colours as the setters take them (CSS `#rgb`, `#rrggbb`, a few names) and the getters return them (`#rrggbb`). */
export function normalColor(color: string, fail: (message: string) => Error): string {
  const text = color.trim().toLowerCase();
  if (NAMED[text]) return NAMED[text]!;
  if (/^#[0-9a-f]{6}$/.test(text)) return text;
  if (/^#[0-9a-f]{3}$/.test(text)) return `#${[...text.slice(1)].map((d) => d + d).join('')}`;
  throw fail(`Invalid color: ${color}`);
}

/** setHorizontalAlignment takes `left`, `center`, `right` (or `normal`/null to reset); the getter says `general-left`… */
export function horizontalOf(alignment: string | null, fail: (message: string) => Error): Style['horizontal'] {
  switch (alignment ?? 'normal') {
    case 'left':
      return 'general-left';
    case 'center':
      return 'center';
    case 'right':
      return 'general-right';
    case 'normal':
    case 'general':
      return 'general';
    default:
      throw fail(`Invalid argument: alignment (${alignment})`);
  }
}

export class FakeRgbColor {
  private readonly _hex: string;
  constructor(hex: string) {
    this._hex = hex;
  }
  asHexString(): string {
    return this._hex;
  }
  getColorType(): Enum {
    return ColorType.RGB;
  }
}

export class FakeColor {
  private readonly _hex: string;
  constructor(hex: string) {
    this._hex = hex;
  }
  asRgbColor(): FakeRgbColor {
    return new FakeRgbColor(this._hex);
  }
  getColorType(): Enum {
    return ColorType.RGB;
  }
}

/** A run of text with one link (or none); offsets as RichTextValue's: start inclusive, end exclusive. */
export interface TextRun {
  start: number;
  end: number;
  url: string | null;
}

export class FakeRichTextValue {
  readonly text: string;
  readonly runs: readonly TextRun[];
  constructor(text: string, runs: readonly TextRun[] = [{ start: 0, end: text.length, url: null }]) {
    this.text = text;
    this.runs = runs;
  }
  getText(): string {
    return this.text;
  }
  /** The link of the whole text, or of [start, end): null unless every character there has the same link. */
  getLinkUrl(startOffset = 0, endOffset = this.text.length): string | null {
    const touched = this.runs.filter((r) => r.end > startOffset && r.start < endOffset);
    const url = touched[0]?.url ?? null;
    return touched.length > 0 && touched.every((r) => r.url === url) ? url : null;
  }
  getRuns(): FakeRichTextValue[] {
    return this.runs.map((r) => new FakeRichTextValue(this.text.slice(r.start, r.end), [{ start: 0, end: r.end - r.start, url: r.url }]));
  }
  getStartIndex(): number {
    return this.runs[0]?.start ?? 0;
  }
}

/** A text whose `[start, end, url]` spans are links, as a person makes with Insert > Link. */
export function richText(text: string, links: [number, number, string][]): FakeRichTextValue {
  const runs: TextRun[] = [];
  let at = 0;
  for (const [start, end, url] of [...links].sort((a, b) => a[0] - b[0])) {
    if (start > at) runs.push({ start: at, end: start, url: null });
    runs.push({ start, end, url });
    at = end;
  }
  if (at < text.length || runs.length === 0) runs.push({ start: at, end: text.length, url: null });
  return new FakeRichTextValue(text, runs);
}

export class FakeDataValidation {
  private readonly _criteria: Enum;
  private readonly _values: unknown[];
  constructor(criteria: Enum, values: unknown[] = []) {
    this._criteria = criteria;
    this._values = values;
  }
  getCriteriaType(): Enum {
    return this._criteria;
  }
  getCriteriaValues(): unknown[] {
    return [...this._values];
  }
  getAllowInvalid(): boolean {
    return true;
  }
}

/** Data > Data validation > Checkbox (what Insert > Checkbox sets). */
export function checkboxRule(): FakeDataValidation {
  return new FakeDataValidation(DataValidationCriteria.CHECKBOX);
}

export interface BandingColors {
  header: string | null;
  first: string;
  second: string;
  footer: string | null;
}

/** Alternating colours over a rectangle of a sheet, by rows or by columns (Format > Alternating colours). */
export class FakeBanding {
  /** Moves with inserted and deleted lines. */
  rect: Rect;
  readonly axis: 'rows' | 'columns';
  readonly colors: BandingColors;
  private readonly _range: (rect: Rect) => unknown;
  constructor(rect: Rect, axis: 'rows' | 'columns', colors: BandingColors, range: (rect: Rect) => unknown) {
    this.rect = rect;
    this.axis = axis;
    this.colors = colors;
    this._range = range;
  }
  getRange(): unknown {
    return this._range(this.rect);
  }
  /** Deprecated for the *ColorObject getters; `#rrggbb`, or null when this banding has no such colour. */
  private _hex(axis: 'rows' | 'columns', hex: string | null): string | null {
    return axis === this.axis ? hex : null;
  }
  getHeaderRowColor(): string | null {
    return this._hex('rows', this.colors.header);
  }
  getFirstRowColor(): string | null {
    return this._hex('rows', this.colors.first);
  }
  getSecondRowColor(): string | null {
    return this._hex('rows', this.colors.second);
  }
  getFooterRowColor(): string | null {
    return this._hex('rows', this.colors.footer);
  }
  getHeaderColumnColor(): string | null {
    return this._hex('columns', this.colors.header);
  }
  getFirstColumnColor(): string | null {
    return this._hex('columns', this.colors.first);
  }
  getSecondColumnColor(): string | null {
    return this._hex('columns', this.colors.second);
  }
  getFooterColumnColor(): string | null {
    return this._hex('columns', this.colors.footer);
  }
  getFirstRowColorObject(): FakeColor | null {
    const hex = this.getFirstRowColor();
    return hex ? new FakeColor(hex) : null;
  }
  getSecondRowColorObject(): FakeColor | null {
    const hex = this.getSecondRowColor();
    return hex ? new FakeColor(hex) : null;
  }
}

/** `=HYPERLINK("url")` or `=HYPERLINK("url", "label")`: the one formula a person types here; null for others. */
export function hyperlinkFormula(formula: string): { url: string; label: string } | null {
  const match = /^=HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)$/i.exec(formula.trim());
  if (!match) return null;
  const url = match[1]!.replace(/""/g, '"');
  return { url, label: match[2] !== undefined ? match[2].replace(/""/g, '"') : url };
}
