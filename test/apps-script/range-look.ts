/// <reference types="google-apps-script" />
// A range's format getters (one call each for the whole rectangle, a grid back) and the setters
// a test uses as the person formatting the sheet. FakeRange inherits them.
import { intersect, type Rect } from '../../protocol/a1.ts';
import type { Cell } from './range.ts';
import type { FakeSheet } from './sheet.ts';
import {
  DEFAULT_STYLE,
  FakeBanding,
  FakeRichTextValue,
  horizontalOf,
  hyperlinkFormula,
  normalColor,
  type Enum,
  type FakeDataValidation,
  type Style,
} from './look.ts';

export abstract class RangeLook {
  abstract readonly sheet: FakeSheet;
  abstract readonly rect: Rect;

  protected abstract _map<T>(each: (cell: Cell | undefined) => T): T[][];

  private _fail = (message: string): Error => this.sheet.spreadsheet.realm.error(message);

  private _style<K extends keyof Style>(key: K): Style[K][][] {
    return this._map((cell) => cell?.style?.[key] ?? DEFAULT_STYLE[key]);
  }

  /** Sets one property on every cell of the range (a value of null: back to the default). */
  private _setStyle<K extends keyof Style>(key: K, value: Style[K] | null): this {
    for (let r = this.rect.top; r <= this.rect.bottom; r++) {
      for (let c = this.rect.left; c <= this.rect.right; c++) {
        const cell: Cell = { ...(this.sheet.cell(r, c) ?? { value: '' }) };
        const style = { ...cell.style };
        if (value === null) delete style[key];
        else style[key] = value;
        cell.style = style;
        this.sheet.setCell(r, c, cell);
      }
    }
    return this;
  }

  private _setCells(each: (cell: Cell) => Cell): void {
    for (let r = this.rect.top; r <= this.rect.bottom; r++) {
      for (let c = this.rect.left; c <= this.rect.right; c++) this.sheet.setCell(r, c, each({ ...(this.sheet.cell(r, c) ?? { value: '' }) }));
    }
  }

  getBackgrounds(): string[][] {
    return this._style('background');
  }
  /** Deprecated by Google for getFontColorObjects, and still the one plural getter that returns strings. */
  getFontColors(): string[][] {
    return this._style('fontColor');
  }
  getFontWeights(): string[][] {
    return this._style('fontWeight');
  }
  getFontStyles(): string[][] {
    return this._style('fontStyle');
  }
  getFontLines(): string[][] {
    return this._style('fontLine');
  }
  getFontFamilies(): string[][] {
    return this._style('fontFamily');
  }
  getFontSizes(): number[][] {
    return this._style('fontSize');
  }
  getHorizontalAlignments(): string[][] {
    return this._style('horizontal');
  }
  getVerticalAlignments(): string[][] {
    return this._style('vertical');
  }
  getWrapStrategies(): Enum[][] {
    return this._style('wrap');
  }
  /** The formulas, `''` for cells without one. */
  getFormulas(): string[][] {
    return this._map((cell) => cell?.formula ?? '');
  }
  /** Rich text of text cells; null for numbers, booleans and dates ("null if the cell value is not text"). */
  getRichTextValues(): (FakeRichTextValue | null)[][] {
    return this._map((cell) => {
      const value = cell?.value ?? '';
      if (typeof value !== 'string') return null;
      return cell?.rich && cell.rich.text === value ? cell.rich : new FakeRichTextValue(value);
    });
  }
  getDataValidations(): (FakeDataValidation | null)[][] {
    return this._map((cell) => cell?.validation ?? null);
  }
  /** Merged areas that lie in the range or overlap it. */
  getMergedRanges(): unknown[] {
    return this.sheet.merges.filter((m) => intersect(m, this.rect)).map((m) => this.sheet.rangeAt(m));
  }
  /** Bandings applied to any cell of the range. */
  getBandings(): FakeBanding[] {
    return this.sheet.bandings.filter((b) => intersect(b.rect, this.rect));
  }

  setBackground(color: string | null): this {
    return this._setStyle('background', color === null ? null : normalColor(color, this._fail));
  }
  setFontColor(color: string | null): this {
    return this._setStyle('fontColor', color === null ? null : normalColor(color, this._fail));
  }
  setFontWeight(weight: 'bold' | 'normal' | null): this {
    return this._setStyle('fontWeight', weight);
  }
  setFontStyle(style: 'italic' | 'normal' | null): this {
    return this._setStyle('fontStyle', style);
  }
  setFontLine(line: 'underline' | 'line-through' | 'none' | null): this {
    return this._setStyle('fontLine', line);
  }
  setFontFamily(family: string | null): this {
    return this._setStyle('fontFamily', family);
  }
  setFontSize(size: number): this {
    return this._setStyle('fontSize', size);
  }
  setHorizontalAlignment(alignment: string | null): this {
    return this._setStyle('horizontal', horizontalOf(alignment, this._fail));
  }
  setVerticalAlignment(alignment: 'top' | 'middle' | 'bottom' | null): this {
    return this._setStyle('vertical', alignment);
  }
  setWrapStrategy(strategy: Enum): this {
    return this._setStyle('wrap', strategy);
  }
  /** Only `=HYPERLINK(…)` here: the harness's other formulas are `AppsScriptHarness.formula`. */
  setFormula(formula: string): this {
    const link = hyperlinkFormula(formula);
    if (!link) throw this._fail('Formulas other than HYPERLINK are not supported by this fake');
    this._setCells((cell) => ({ ...cell, value: link.label, formula, rich: undefined }));
    return this;
  }
  setRichTextValue(value: FakeRichTextValue): this {
    this._setCells((cell) => ({ ...cell, value: value.text, formula: undefined, rich: value }));
    return this;
  }
  setDataValidation(rule: FakeDataValidation | null): this {
    this._setCells((cell) => ({ ...cell, validation: rule ?? undefined }));
    return this;
  }
  /** Merging keeps the top-left value and clears the others, as Sheets does. */
  merge(): this {
    this.breakApart();
    this.sheet.merges.push({ ...this.rect });
    for (let r = this.rect.top; r <= this.rect.bottom; r++) {
      for (let c = this.rect.left; c <= this.rect.right; c++) {
        if (r !== this.rect.top || c !== this.rect.left) this.sheet.setCell(r, c, { ...this.sheet.cell(r, c)!, value: '', formula: undefined, rich: undefined });
      }
    }
    return this;
  }
  breakApart(): this {
    this.sheet.merges = this.sheet.merges.filter((m) => !intersect(m, this.rect));
    return this;
  }
  /** Alternating row colours (Google's default theme: grey header, white and light grey rows). */
  applyRowBanding(showHeader = true, showFooter = false): FakeBanding {
    return this._band('rows', showHeader, showFooter);
  }
  applyColumnBanding(showHeader = true, showFooter = false): FakeBanding {
    return this._band('columns', showHeader, showFooter);
  }
  private _band(axis: 'rows' | 'columns', showHeader: boolean, showFooter: boolean): FakeBanding {
    const rect = { ...this.rect };
    const colors = { header: showHeader ? '#bdbdbd' : null, first: '#ffffff', second: '#f3f3f3', footer: showFooter ? '#dedede' : null };
    const banding = new FakeBanding(rect, axis, colors, (at) => this.sheet.rangeAt(at));
    this.sheet.bandings.push(banding);
    return banding;
  }
}
