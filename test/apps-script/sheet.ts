/// <reference types="google-apps-script" />
// One tab of the in-memory spreadsheet: sparse cells, inserted and deleted rows and columns,
// hidden and filtered lines, and how the tab looks beyond its cells (merges, column widths,
// row heights, frozen lines, bandings), each getter a counted call per index as in Sheet.
import { parseA1, type Rect } from '../../protocol/a1.ts';
import { DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_HEIGHT, type FakeBanding } from './look.ts';
import { FakeRange, type Cell } from './range.ts';
import { shiftRect } from './lines.ts';
import type { FakeSpreadsheet } from './spreadsheet.ts';

type SS = GoogleAppsScript.Spreadsheet.Spreadsheet;
type RangeApi = GoogleAppsScript.Spreadsheet.Range;
type SheetApi = GoogleAppsScript.Spreadsheet.Sheet;

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
  | 'getColumnWidth'
  | 'getRowHeight'
  | 'getFrozenRows'
  | 'getFrozenColumns'
> {
  /** Merged areas, in sheet coordinates. */
  merges: Rect[] = [];
  readonly bandings: FakeBanding[] = [];
  private readonly _widths = new Map<number, number>();
  private readonly _heights = new Map<number, number>();
  private _frozenRows = 0;
  private _frozenColumns = 0;
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

  getColumnWidth(columnPosition: number): number {
    return this._widths.get(columnPosition) ?? DEFAULT_COLUMN_WIDTH;
  }
  setColumnWidth(columnPosition: number, width: number): SheetApi {
    this._widths.set(columnPosition, width);
    return this as unknown as SheetApi;
  }
  getRowHeight(rowPosition: number): number {
    return this._heights.get(rowPosition) ?? DEFAULT_ROW_HEIGHT;
  }
  setRowHeight(rowPosition: number, height: number): SheetApi {
    this._heights.set(rowPosition, height);
    return this as unknown as SheetApi;
  }
  getFrozenRows(): number {
    return this._frozenRows;
  }
  setFrozenRows(rows: number): void {
    this._frozenRows = rows;
  }
  getFrozenColumns(): number {
    return this._frozenColumns;
  }
  setFrozenColumns(columns: number): void {
    this._frozenColumns = columns;
  }
  getBandings(): FakeBanding[] {
    return [...this.bandings];
  }
  /** The range at `a1` as the fake it is, for a test that formats it as a person would. */
  range(a1: string): FakeRange {
    return this.getRange(a1) as unknown as FakeRange;
  }
  /** A range object for a rectangle (what getMergedRanges and Banding.getRange hand out). */
  rangeAt(rect: Rect): FakeRange {
    return new FakeRange(this, { ...rect });
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
    this._shiftLook(axis, at, count);
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
    this._shiftLook(axis, at, -count);
  }

  /** Merges, bandings, sizes, hidden and frozen lines move with inserted (count > 0) and deleted (count < 0) lines, as in Sheets. */
  private _shiftLook(axis: 'row' | 'column', at: number, count: number): void {
    this.merges = this.merges.flatMap((m) => shiftRect(m, axis, at, count) ?? []);
    for (const banding of [...this.bandings]) {
      const moved = shiftRect(banding.rect, axis, at, count);
      if (moved) banding.rect = moved;
      else this.bandings.splice(this.bandings.indexOf(banding), 1);
    }
    const line = (n: number): number | null => (count > 0 ? (n >= at ? n + count : n) : n < at ? n : n >= at - count ? n + count : null);
    const moveSet = (set: Set<number>) => {
      const moved = [...set].flatMap((n) => line(n) ?? []);
      set.clear();
      for (const n of moved) set.add(n);
    };
    const moveMap = (map: Map<number, number>) => {
      const moved = [...map].flatMap(([n, v]) => (line(n) === null ? [] : [[line(n)!, v] as const]));
      map.clear();
      for (const [n, v] of moved) map.set(n, v);
    };
    const frozen = axis === 'row' ? this._frozenRows : this._frozenColumns;
    // Lines inserted inside the frozen ones are frozen too; deleted frozen lines leave fewer.
    const nextFrozen = count > 0 ? (at <= frozen ? frozen + count : frozen) : frozen - Math.max(0, Math.min(frozen, at - count - 1) - at + 1);
    if (axis === 'row') {
      moveSet(this._hiddenRows);
      if (this._filtered) moveSet(this._filtered);
      moveMap(this._heights);
      this._frozenRows = nextFrozen;
    } else {
      moveSet(this._hiddenColumns);
      moveMap(this._widths);
      this._frozenColumns = nextFrozen;
    }
  }
}

