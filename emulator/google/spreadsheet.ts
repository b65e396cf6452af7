// The in-memory spreadsheet the Sheets and Drive routes serve: tabs of A1 cells that tests edit
// through the emulator's API, and Google's reading of A1 ranges (open ranges, whole sheets,
// quoted sheet names, grid limits).

import { columnNumber, formatA1, parseA1, type Rect } from '../../protocol/a1.ts';
import { SheetLook } from './look.ts';

export type CellValue = string | number | boolean;

export interface SheetOptions {
  /** Grid size; Google's new sheets are 1000 rows by 26 columns. */
  rows?: number;
  columns?: number;
}

export class Sheet {
  readonly sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** Formats, merges, sizes, hidden and frozen lines, bandings, links and checkboxes. */
  readonly look = new SheetLook();
  /** Row-major, 0-based, sparse: a missing cell is empty. */
  private readonly _cells: CellValue[][] = [];

  constructor(sheetId: number, title: string, options: SheetOptions = {}) {
    this.sheetId = sheetId;
    this.title = title;
    this.rowCount = options.rows ?? 1000;
    this.columnCount = options.columns ?? 26;
  }

  cell(row: number, col: number): CellValue {
    return this._cells[row - 1]?.[col - 1] ?? '';
  }

  setCell(row: number, col: number, value: CellValue): void {
    // Writing past the grid grows it, as pasting does in the Sheets UI.
    this.rowCount = Math.max(this.rowCount, row);
    this.columnCount = Math.max(this.columnCount, col);
    (this._cells[row - 1] ??= [])[col - 1] = value;
  }
}

export class RangeError400 extends Error {}

/** `Sheet1`, or `'My sheet'` when the title needs quoting in A1 notation. */
export function quoteSheetTitle(title: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}[0-9]+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

function parseEnd(text: string): { row?: number; col?: number } | null {
  const m = /^([A-Za-z]{0,3})([0-9]{0,8})$/.exec(text);
  if (!m || (!m[1] && !m[2])) return null;
  return { ...(m[1] ? { col: columnNumber(m[1]) } : {}), ...(m[2] ? { row: Number(m[2]) } : {}) };
}

/** A range on `sheet` as Google reads it: `A1`, `A1:C3`, `A:C`, `2:4`, `B2:B`; bounded by the grid. */
function parseGridRange(absolute: string, sheet: Sheet): Rect | null {
  const text = absolute.replace(/\$/g, '');
  const bounded = parseA1(text);
  if (bounded) return bounded;
  const [first, second, extra] = text.split(':');
  if (second === undefined || extra !== undefined) return null;
  const start = parseEnd(first ?? '');
  const end = parseEnd(second);
  if (!start || !end) return null;
  const a = { row: start.row ?? 1, col: start.col ?? 1 };
  const b = { row: end.row ?? sheet.rowCount, col: end.col ?? sheet.columnCount };
  return { top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row), right: Math.max(a.col, b.col) };
}

export interface ResolvedRange {
  sheet: Sheet;
  rect: Rect;
  /** As Google echoes it: `Sheet1!A1:C3`. */
  a1: string;
}

type ChangeListener = (spreadsheet: Spreadsheet) => void;

export class Spreadsheet {
  readonly id: string;
  title: string;
  private readonly _sheets: Sheet[] = [];
  private _nextSheetId = 0;
  private readonly _listeners = new Set<ChangeListener>();
  /** Emails of the accounts that may read it; null (the default) lets every signed-in account read. */
  readers: Set<string> | null = null;

  constructor(id: string, title = 'Untitled spreadsheet') {
    this.id = id;
    this.title = title;
    this.addSheet('Sheet1');
  }

  get sheets(): readonly Sheet[] {
    return this._sheets;
  }

  sheet(title: string): Sheet {
    const sheet = this._sheets.find((s) => s.title === title);
    if (!sheet) throw new Error(`No sheet named ${title} in spreadsheet ${this.id}`);
    return sheet;
  }

  addSheet(title: string, options: SheetOptions = {}): Sheet {
    if (this._sheets.some((s) => s.title === title)) throw new Error(`A sheet named ${title} already exists`);
    const sheet = new Sheet(this._nextSheetId, title, options);
    // Google numbers the first sheet 0 and later ones with large random ids.
    this._nextSheetId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
    this._sheets.push(sheet);
    this._changed();
    return sheet;
  }

  /** Writes `grid` with its top-left cell at the start of `a1`; a bounded range must hold the grid. */
  setValues(sheetTitle: string, a1: string, grid: CellValue[][]): void {
    const sheet = this.sheet(sheetTitle);
    const rect = parseA1(a1);
    if (!rect) throw new Error(`Not a bounded A1 range: ${a1}`);
    const single = rect.top === rect.bottom && rect.left === rect.right;
    const width = Math.max(0, ...grid.map((row) => row.length));
    if (!single && (grid.length > rect.bottom - rect.top + 1 || width > rect.right - rect.left + 1)) {
      throw new Error(`A ${grid.length}x${width} grid does not fit in ${a1}`);
    }
    grid.forEach((row, r) => row.forEach((value, c) => sheet.setCell(rect.top + r, rect.left + c, value)));
    this._changed();
  }

  setValue(sheetTitle: string, a1: string, value: CellValue): void {
    this.setValues(sheetTitle, a1, [[value]]);
  }

  /** Changes how a tab looks (`look` calls), as a person does in the Sheets UI; Drive hears of it. */
  restyle(sheetTitle: string, change: (look: SheetLook) => void): void {
    change(this.sheet(sheetTitle).look);
    this._changed();
  }

  /** The formatted values of a bounded range, every cell included (`""` when empty). */
  values(sheetTitle: string, a1: string): string[][] {
    const sheet = this.sheet(sheetTitle);
    const rect = parseA1(a1);
    if (!rect) throw new Error(`Not a bounded A1 range: ${a1}`);
    const grid: string[][] = [];
    for (let r = rect.top; r <= rect.bottom; r++) {
      const row: string[] = [];
      for (let c = rect.left; c <= rect.right; c++) row.push(formatValue(sheet.cell(r, c)));
      grid.push(row);
    }
    return grid;
  }

  /** Reads a range in Google's A1 notation; throws RangeError400 with Google's message. */
  resolve(range: string): ResolvedRange {
    let sheet: Sheet | undefined;
    let cells: string | null = null;
    const bang = range.lastIndexOf('!');
    if (bang >= 0) {
      let title = range.slice(0, bang);
      if (/^'.*'$/.test(title)) title = title.slice(1, -1).replace(/''/g, "'");
      sheet = this._sheets.find((s) => s.title === title);
      cells = range.slice(bang + 1);
    } else {
      // A bare name is a sheet's title if one has it, else a range on the first sheet.
      sheet = this._sheets.find((s) => s.title === range || `'${s.title.replace(/'/g, "''")}'` === range);
      if (!sheet) [sheet, cells] = [this._sheets[0], range];
    }
    if (!sheet) throw new RangeError400(`Unable to parse range: ${range}`);
    const rect = cells === null ? { top: 1, left: 1, bottom: sheet.rowCount, right: sheet.columnCount } : parseGridRange(cells, sheet);
    if (!rect) throw new RangeError400(`Unable to parse range: ${range}`);
    const a1 = `${quoteSheetTitle(sheet.title)}!${formatA1(rect)}`;
    if (rect.bottom > sheet.rowCount || rect.right > sheet.columnCount) {
      throw new RangeError400(`Range (${a1}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`);
    }
    return { sheet, rect, a1 };
  }

  /** Only these accounts may read the spreadsheet from now on (`null`: everyone again). */
  shareWith(emails: string[] | null): void {
    this.readers = emails === null ? null : new Set(emails.map((e) => e.toLowerCase()));
  }

  canRead(email: string): boolean {
    return this.readers === null || this.readers.has(email.toLowerCase());
  }

  onChange(listener: ChangeListener): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  private _changed(): void {
    for (const listener of this._listeners) listener(this);
  }
}

export function formatValue(value: CellValue): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}
