/// <reference types="google-apps-script" />
// An in-memory spreadsheet behaving as SpreadsheetApp documents it: tabs of cells addressed
// by A1 or row/column (1-based), named ranges that move and stretch with inserted and deleted
// rows and columns, bounds errors as Apps Script words them. Typed against
// @types/google-apps-script (the methods the add-on may use).
import { parseA1, type Rect } from '../../protocol/a1.ts';
import { FakeNamedRange, FakeRange, type Cell } from './range.ts';
import type { Realm } from './realm.ts';

type SS = GoogleAppsScript.Spreadsheet.Spreadsheet;
type RangeApi = GoogleAppsScript.Spreadsheet.Range;
type SheetApi = GoogleAppsScript.Spreadsheet.Sheet;
type NamedRangeApi = GoogleAppsScript.Spreadsheet.NamedRange;

export type { CellValue } from './range.ts';

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

/** Where a rectangle goes when `count` lines are inserted before `at` (count > 0) or deleted from `at` on (count < 0). */
function shiftRect(rect: Rect, axis: 'row' | 'column', at: number, count: number): Rect | null {
  const [lo, hi] = axis === 'row' ? (['top', 'bottom'] as const) : (['left', 'right'] as const);
  const r = { ...rect };
  if (count > 0) {
    if (r[lo] >= at) r[lo] += count;
    if (r[hi] >= at) r[hi] += count;
    return r;
  }
  const first = at;
  const last = at - count - 1;
  const before = (n: number) => Math.max(0, Math.min(n - 1, last) - first + 1);
  const removedInside = Math.max(0, Math.min(r[hi], last) - Math.max(r[lo], first) + 1);
  if (removedInside === r[hi] - r[lo] + 1) return null;
  const newLo = r[lo] - before(r[lo]);
  r[hi] = r[hi] - before(r[hi] + 1);
  r[lo] = newLo;
  return r;
}

export class FakeSheet implements Pick<
  SheetApi,
  | 'getName'
  | 'setName'
  | 'getSheetId'
  | 'getMaxRows'
  | 'getMaxColumns'
  | 'getLastRow'
  | 'getLastColumn'
  | 'getRange'
  | 'insertRowsBefore'
  | 'insertRowsAfter'
  | 'deleteRows'
  | 'insertColumnsBefore'
  | 'deleteColumns'
  | 'hideRows'
  | 'showRows'
  | 'hideColumns'
  | 'showColumns'
  | 'isRowHiddenByUser'
  | 'isRowHiddenByFilter'
  | 'isColumnHiddenByUser'
> {
  /** Sparse rows of cells, 0-based inside. */
  private _cells: (Cell | undefined)[][] = [];
  private readonly _hiddenRows = new Set<number>();
  private readonly _hiddenColumns = new Set<number>();
  /** Rows the sheet's filter hides; null while the sheet has no filter. */
  private _filtered: Set<number> | null = null;
  private _maxRows = 1000;
  private _maxColumns = 26;

  readonly spreadsheet: FakeSpreadsheet;
  private _name: string;
  private readonly _id: number;

  constructor(spreadsheet: FakeSpreadsheet, _name: string, _id: number) {
    this.spreadsheet = spreadsheet;
    this._name = _name;
    this._id = _id;
  }

  getParent(): SS {
    return this.spreadsheet as unknown as SS;
  }
  getName(): string {
    return this._name;
  }
  setName(name: string): SheetApi {
    if (this.spreadsheet.sheets.some((s) => s !== this && s.getName() === name)) {
      throw this.spreadsheet.realm.error(`A sheet with the name "${name}" already exists. Please enter another name.`);
    }
    this._name = name;
    return this as unknown as SheetApi;
  }
  getSheetId(): number {
    return this._id;
  }
  getMaxRows(): number {
    return this._maxRows;
  }
  getMaxColumns(): number {
    return this._maxColumns;
  }
  getLastRow(): number {
    for (let r = this._cells.length - 1; r >= 0; r--) if (this._cells[r]?.some((c) => c && c.value !== '')) return r + 1;
    return 0;
  }
  getLastColumn(): number {
    let last = 0;
    this._cells.forEach((row) => row?.forEach((c, i) => c && c.value !== '' && (last = Math.max(last, i + 1))));
    return last;
  }

  getRange(a1: string): RangeApi;
  getRange(row: number, column: number, numRows?: number, numColumns?: number): RangeApi;
  getRange(a: string | number, column?: number, numRows = 1, numColumns = 1): RangeApi {
    let rect: Rect | null;
    if (typeof a === 'string') {
      rect = parseA1(a);
      if (!rect) throw this.spreadsheet.realm.error('Range not found');
    } else {
      if (!Number.isInteger(a) || !Number.isInteger(column) || a < 1 || column! < 1 || numRows < 1 || numColumns < 1) {
        throw this.spreadsheet.realm.error('The starting row or column of the range is too small.');
      }
      rect = { top: a, left: column!, bottom: a + numRows - 1, right: column! + numColumns - 1 };
    }
    if (rect.bottom > this._maxRows || rect.right > this._maxColumns) {
      throw this.spreadsheet.realm.error('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new FakeRange(this, rect) as unknown as RangeApi;
  }

  insertRowsBefore(beforePosition: number, howMany: number): SheetApi {
    return this._insert('row', beforePosition, howMany);
  }
  insertRowsAfter(afterPosition: number, howMany: number): SheetApi {
    return this._insert('row', afterPosition + 1, howMany);
  }
  deleteRows(rowPosition: number, howMany: number): void {
    this._delete('row', rowPosition, howMany);
  }
  insertColumnsBefore(beforePosition: number, howMany: number): SheetApi {
    return this._insert('column', beforePosition, howMany);
  }
  deleteColumns(columnPosition: number, howMany: number): void {
    this._delete('column', columnPosition, howMany);
  }

  hideRows(rowIndex: number, numRows = 1): void {
    for (let r = rowIndex; r < rowIndex + numRows; r++) this._hiddenRows.add(r);
  }
  showRows(rowIndex: number, numRows = 1): void {
    for (let r = rowIndex; r < rowIndex + numRows; r++) this._hiddenRows.delete(r);
  }
  hideColumns(columnIndex: number, numColumns = 1): void {
    for (let c = columnIndex; c < columnIndex + numColumns; c++) this._hiddenColumns.add(c);
  }
  showColumns(columnIndex: number, numColumns = 1): void {
    for (let c = columnIndex; c < columnIndex + numColumns; c++) this._hiddenColumns.delete(c);
  }
  isRowHiddenByUser(rowPosition: number): boolean {
    return this._hiddenRows.has(rowPosition);
  }
  isRowHiddenByFilter(rowPosition: number): boolean {
    return this._filtered?.has(rowPosition) ?? false;
  }
  isColumnHiddenByUser(columnPosition: number): boolean {
    return this._hiddenColumns.has(columnPosition);
  }
  /** The sheet's filter (its criteria are the test's business: `filter` says which rows it hides), or null. */
  getFilter(): { remove: () => void } | null {
    return this._filtered ? { remove: () => (this._filtered = null) } : null;
  }
  /** A person filters the sheet so that these rows are hidden; null removes the filter. */
  filter(hiddenRows: number[] | null): void {
    this._filtered = hiddenRows ? new Set(hiddenRows) : null;
  }

  cell(row: number, col: number): Cell | undefined {
    return this._cells[row - 1]?.[col - 1];
  }
  setCell(row: number, col: number, cell: Cell | undefined): void {
    (this._cells[row - 1] ??= [])[col - 1] = cell;
  }

  private _insert(axis: 'row' | 'column', at: number, count: number): SheetApi {
    if (axis === 'row') {
      this._cells.splice(at - 1, 0, ...Array.from({ length: count }, () => []));
      this._maxRows += count;
    } else {
      for (const row of this._cells) row?.splice(at - 1, 0, ...Array.from({ length: count }, () => undefined));
      this._maxColumns += count;
    }
    this.spreadsheet.shift(this, axis, at, count);
    return this as unknown as SheetApi;
  }

  private _delete(axis: 'row' | 'column', at: number, count: number): void {
    const max = axis === 'row' ? this._maxRows : this._maxColumns;
    if (at < 1 || at + count - 1 > max) throw this.spreadsheet.realm.error('Those rows are out of bounds.');
    if (count >= max) throw this.spreadsheet.realm.error("You can't delete all the rows on the sheet.");
    if (axis === 'row') {
      this._cells.splice(at - 1, count);
      this._maxRows -= count;
    } else {
      for (const row of this._cells) row?.splice(at - 1, count);
      this._maxColumns -= count;
    }
    this.spreadsheet.shift(this, axis, at, -count);
  }
}

