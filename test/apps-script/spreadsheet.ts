/// <reference types="google-apps-script" />
// An in-memory spreadsheet behaving as SpreadsheetApp documents it: tabs of cells addressed
// by A1 or row/column (1-based), named ranges that move and stretch with inserted and deleted
// rows and columns, bounds errors as Apps Script words them. Typed against
// @types/google-apps-script (the methods the add-on may use).
import { parseA1, type Rect } from '../../protocol/a1.ts';
import { FakeNamedRange, FakeRange } from './range.ts';
import { FakeSheet } from './sheet.ts';
import { shiftRect } from './lines.ts';
import type { Realm } from './realm.ts';

type SS = GoogleAppsScript.Spreadsheet.Spreadsheet;
type RangeApi = GoogleAppsScript.Spreadsheet.Range;
type SheetApi = GoogleAppsScript.Spreadsheet.Sheet;
type NamedRangeApi = GoogleAppsScript.Spreadsheet.NamedRange;

export type { CellValue } from './range.ts';
export { FakeSheet } from './sheet.ts';

export class FakeSpreadsheet implements Pick<
  SS,
  | 'getId'
  | 'getName'
  | 'rename'
  | 'getUrl'
  | 'getSheets'
  | 'getSheetByName'
  | 'deleteSheet'
  | 'getActiveSheet'
  | 'getActiveRange'
  | 'setActiveRange'
  | 'setNamedRange'
  | 'getRangeByName'
  | 'getNamedRanges'
  | 'removeNamedRange'
  | 'toast'
  | 'getSpreadsheetTimeZone'
> {
  readonly sheets: FakeSheet[] = [];
  readonly namedRanges: FakeNamedRange[] = [];
  readonly toasts: string[] = [];
  private _active: FakeRange | null = null;
  private _nextSheetId = 0;

  readonly realm: Realm;
  readonly id: string;
  private _name: string;
  private readonly _timeZone: string;

  constructor(realm: Realm, id: string, _name: string, _timeZone = 'Etc/UTC') {
    this.realm = realm;
    this.id = id;
    this._name = _name;
    this._timeZone = _timeZone;

    this.insertSheet('Sheet1');
  }

  getId(): string {
    return this.id;
  }
  getName(): string {
    return this._name;
  }
  rename(name: string): void {
    this._name = name;
  }
  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }
  getSpreadsheetTimeZone(): string {
    return this._timeZone;
  }
  getSheets(): SheetApi[] {
    return [...this.sheets] as unknown as SheetApi[];
  }
  getSheetByName(name: string): SheetApi {
    // Apps Script returns null for an unknown name, though the types say Sheet.
    return (this.sheets.find((s) => s.getName() === name) ?? null) as unknown as SheetApi;
  }
  sheet(name: string): FakeSheet {
    const sheet = this.sheets.find((s) => s.getName() === name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    return sheet;
  }
  insertSheet(name?: string): SheetApi {
    const title = name ?? `Sheet${this.sheets.length + 1}`;
    if (this.sheets.some((s) => s.getName() === title)) {
      throw this.realm.error(`A sheet with the name "${title}" already exists. Please enter another name.`);
    }
    const sheet = new FakeSheet(this, title, this._nextSheetId++ === 0 ? 0 : 1_000_000 + this._nextSheetId);
    this.sheets.push(sheet);
    return sheet as unknown as SheetApi;
  }
  deleteSheet(sheet: SheetApi): void {
    const index = this.sheets.indexOf(sheet as unknown as FakeSheet);
    if (index < 0) throw this.realm.error('Sheet not found');
    if (this.sheets.length === 1) throw this.realm.error("You can't remove all the sheets in a document.");
    this.sheets.splice(index, 1);
    for (const named of this.namedRanges) if (named.sheet === (sheet as unknown as FakeSheet)) named.broken = true;
  }
  getActiveSheet(): SheetApi {
    return (this._active?.sheet ?? this.sheets[0]!) as unknown as SheetApi;
  }
  getActiveRange(): RangeApi {
    return this._active as unknown as RangeApi;
  }
  setActiveRange(range: RangeApi): RangeApi {
    this._active = range as unknown as FakeRange;
    return range;
  }
  /** Named ranges: letters, digits and underscores, not starting with a digit, not a cell reference. */
  setNamedRange(name: string, range: RangeApi): void {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) || /^[A-Za-z]{1,3}[0-9]+$/.test(name) || /^R[0-9]*C[0-9]*$/i.test(name)) {
      throw this.realm.error(`Invalid named range name: ${name}`);
    }
    const fake = range as unknown as FakeRange;
    const existing = this.namedRanges.find((n) => n.name === name);
    if (existing) existing.point(fake.sheet, fake.rect);
    else this.namedRanges.push(new FakeNamedRange(this, name, fake.sheet, fake.rect));
  }
  getRangeByName(name: string): RangeApi | null {
    const named = this.namedRanges.find((n) => n.name === name && !n.broken);
    return named ? named.getRange() : null;
  }
  getNamedRanges(): NamedRangeApi[] {
    return [...this.namedRanges] as unknown as NamedRangeApi[];
  }
  removeNamedRange(name: string): void {
    const index = this.namedRanges.findIndex((n) => n.name === name);
    if (index < 0) throw this.realm.error(`Named range ${name} not found`);
    this.namedRanges.splice(index, 1);
  }
  toast(msg: string): void {
    this.toasts.push(msg);
  }

  /** Rows or columns inserted (count > 0) or deleted (count < 0) at `at` on `sheet`: named ranges follow. */
  shift(sheet: FakeSheet, axis: 'row' | 'column', at: number, count: number): void {
    for (const named of this.namedRanges) {
      if (named.sheet !== sheet || named.broken) continue;
      const next = shiftRect(named.rect, axis, at, count);
      if (next) named.rect = next;
      else named.broken = true;
    }
  }
}


