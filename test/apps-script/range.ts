/// <reference types="google-apps-script" />
// Ranges of the in-memory spreadsheet: values and display values (as Sheets formats them),
// writes with Apps Script's shape checks, and named ranges.
import { formatA1, type Rect } from '../../protocol/a1.ts';
import type { FakeDataValidation, FakeRichTextValue, Style } from './look.ts';
import { RangeLook } from './range-look.ts';
import type { FakeSheet } from './sheet.ts';
import type { FakeSpreadsheet } from './spreadsheet.ts';

type RangeApi = GoogleAppsScript.Spreadsheet.Range;
type SheetApi = GoogleAppsScript.Spreadsheet.Sheet;
type NamedRangeApi = GoogleAppsScript.Spreadsheet.NamedRange;

export type CellValue = string | number | boolean | Date;

export interface Cell {
  value: CellValue;
  format?: string;
  /** What differs from DEFAULT_STYLE. */
  style?: Partial<Style>;
  formula?: string;
  rich?: FakeRichTextValue;
  validation?: FakeDataValidation;
}

/** Google Sheets' "Automatic" format, and the few explicit number formats tests use. */
export function displayValue(cell: Cell | undefined): string {
  if (!cell || cell.value === '') return '';
  const { value, format } = cell;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    return `${value.getUTCMonth() + 1}/${value.getUTCDate()}/${value.getUTCFullYear()}`;
  }
  if (format === '@') return String(value);
  const percent = format?.endsWith('%') ? 100 : 1;
  const pattern = format?.replace('%', '');
  if (pattern && /^(#,##)?0(\.0+)?$/.test(pattern)) {
    const decimals = pattern.split('.')[1]?.length ?? 0;
    const fixed = (value * percent).toFixed(decimals);
    const text = pattern.startsWith('#,##') ? Number(fixed).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : fixed;
    return percent === 100 ? `${text}%` : text;
  }
  // Automatic: integers as they are, other numbers to 10 significant digits.
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(10)));
}

export class FakeRange extends RangeLook implements Pick<
  RangeApi,
  | 'getSheet'
  | 'getRow'
  | 'getColumn'
  | 'getNumRows'
  | 'getNumColumns'
  | 'getLastRow'
  | 'getLastColumn'
  | 'getA1Notation'
  | 'getValue'
  | 'getValues'
  | 'getDisplayValue'
  | 'getDisplayValues'
  | 'setValue'
  | 'setValues'
  | 'clearContent'
  | 'setNumberFormat'
> {
  readonly sheet: FakeSheet;
  readonly rect: Rect;

  constructor(sheet: FakeSheet, rect: Rect) {
    super();
    this.sheet = sheet;
    this.rect = rect;
  }

  getSheet(): SheetApi {
    return this.sheet as unknown as SheetApi;
  }
  getRow(): number {
    return this.rect.top;
  }
  getColumn(): number {
    return this.rect.left;
  }
  getNumRows(): number {
    return this.rect.bottom - this.rect.top + 1;
  }
  getNumColumns(): number {
    return this.rect.right - this.rect.left + 1;
  }
  getLastRow(): number {
    return this.rect.bottom;
  }
  getLastColumn(): number {
    return this.rect.right;
  }
  getA1Notation(): string {
    return formatA1(this.rect);
  }
  protected override _map<T>(each: (cell: Cell | undefined) => T): T[][] {
    const grid: T[][] = [];
    for (let r = this.rect.top; r <= this.rect.bottom; r++) {
      const row: T[] = [];
      for (let c = this.rect.left; c <= this.rect.right; c++) row.push(each(this.sheet.cell(r, c)));
      grid.push(row);
    }
    return this.sheet.spreadsheet.realm.clone(grid);
  }
  getValue(): any {
    return this.getValues()[0]![0];
  }
  getValues(): any[][] {
    return this._map((cell) => cell?.value ?? '');
  }
  getDisplayValue(): string {
    return this.getDisplayValues()[0]![0]!;
  }
  getDisplayValues(): string[][] {
    return this._map(displayValue);
  }
  setValue(value: any): RangeApi {
    return this.setValues(Array.from({ length: this.getNumRows() }, () => Array.from({ length: this.getNumColumns() }, () => value)));
  }
  setValues(values: any[][]): RangeApi {
    const realm = this.sheet.spreadsheet.realm;
    if (values.length !== this.getNumRows()) {
      throw realm.error(`The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${this.getNumRows()}.`);
    }
    for (const row of values) {
      if (row.length !== this.getNumColumns()) {
        throw realm.error(`The number of columns in the data does not match the number of columns in the range. The data has ${row.length} but the range has ${this.getNumColumns()}.`);
      }
    }
    values.forEach((row, r) =>
      row.forEach((value: CellValue | null, c) => {
        if (typeof value === 'string' && value.startsWith('=')) throw realm.error('Formulas are not supported by this fake');
        const old = this.sheet.cell(this.rect.top + r, this.rect.left + c);
        // A value replaces a formula and rich text; the cell's format and validation stay.
        this.sheet.setCell(this.rect.top + r, this.rect.left + c, { ...old, value: value ?? '', formula: undefined, rich: undefined });
      }),
    );
    return this as unknown as RangeApi;
  }
  clearContent(): RangeApi {
    return this.setValue('');
  }
  setNumberFormat(numberFormat: string): RangeApi {
    for (let r = this.rect.top; r <= this.rect.bottom; r++) {
      for (let c = this.rect.left; c <= this.rect.right; c++) {
        this.sheet.setCell(r, c, { ...(this.sheet.cell(r, c) ?? { value: '' }), format: numberFormat });
      }
    }
    return this as unknown as RangeApi;
  }
  override toString(): string {
    return `Range ${this.sheet.getName()}!${this.getA1Notation()}`;
  }
}

export class FakeNamedRange implements Pick<NamedRangeApi, 'getName' | 'getRange' | 'remove'> {
  broken = false;

  private readonly _spreadsheet: FakeSpreadsheet;
  readonly name: string;
  public sheet: FakeSheet;
  public rect: Rect;

  constructor(_spreadsheet: FakeSpreadsheet, name: string, sheet: FakeSheet, rect: Rect) {
    this._spreadsheet = _spreadsheet;
    this.name = name;
    this.sheet = sheet;
    this.rect = rect;
  }

  point(sheet: FakeSheet, rect: Rect): void {
    this.sheet = sheet;
    this.rect = rect;
    this.broken = false;
  }
  getName(): string {
    return this.name;
  }
  /** A named range whose cells were all deleted refers to #REF!: asking for its range fails. */
  getRange(): RangeApi {
    if (this.broken) throw this._spreadsheet.realm.error(`Range not found (the named range ${this.name} refers to #REF!)`);
    return new FakeRange(this.sheet, this.rect) as unknown as RangeApi;
  }
  remove(): void {
    this._spreadsheet.removeNamedRange(this.name);
  }
}

