// How a tab looks, as the Sheets API describes it: per-cell formats (CellFormat), conditional
// formats, merges, row and column sizes and visibility, frozen rows and columns, bandings,
// links and checkbox validation. Tests set them as a person would in the Sheets UI; the
// Sheets routes read them as `effectiveFormat` and grid metadata, in Google's JSON, where
// proto3 leaves out zeros, false and empty fields (black is `{}`).
import type { Rect } from '../../protocol/a1.ts';

export interface Color {
  red?: number;
  green?: number;
  blue?: number;
}

export interface TextFormat {
  foregroundColor?: Color;
  fontFamily?: string;
  fontSize?: number;
  bold?: boolean;
  italic?: boolean;
  strikethrough?: boolean;
  underline?: boolean;
  link?: { uri: string };
}

export interface CellFormat {
  backgroundColor?: Color;
  textFormat?: TextFormat;
  horizontalAlignment?: 'LEFT' | 'CENTER' | 'RIGHT';
  verticalAlignment?: 'TOP' | 'MIDDLE' | 'BOTTOM';
  wrapStrategy?: 'OVERFLOW_CELL' | 'LEGACY_WRAP' | 'CLIP' | 'WRAP';
}

export interface BandingProperties {
  headerColor?: Color;
  firstBandColor?: Color;
  secondBandColor?: Color;
  footerColor?: Color;
}

interface Line {
  pixelSize?: number;
  hiddenByUser?: boolean;
  hiddenByFilter?: boolean;
}

/** What a new cell looks like: Google's defaults as `effectiveFormat` reports them. */
const DEFAULT_FORMAT: CellFormat = {
  backgroundColor: { red: 1, green: 1, blue: 1 },
  verticalAlignment: 'BOTTOM',
  wrapStrategy: 'OVERFLOW_CELL',
  textFormat: { foregroundColor: {}, fontFamily: 'arial,sans,sans-serif', fontSize: 10 },
};

export const DEFAULT_ROW_PX = 21;
export const DEFAULT_COLUMN_PX = 100;

const key = (row: number, col: number) => `${row}:${col}`;
const inside = (r: Rect, row: number, col: number) => row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;

function merge(base: CellFormat, over: CellFormat | undefined): CellFormat {
  if (!over) return base;
  return { ...base, ...over, textFormat: { ...base.textFormat, ...over.textFormat } };
}

export class SheetLook {
  readonly #formats = new Map<string, CellFormat>();
  readonly #conditional: { rect: Rect; when: (value: string) => boolean; format: CellFormat }[] = [];
  readonly merges: Rect[] = [];
  readonly #rows = new Map<number, Line>();
  readonly #columns = new Map<number, Line>();
  frozenRows = 0;
  frozenColumns = 0;
  readonly bandings: { rect: Rect; rowProperties: BandingProperties }[] = [];
  readonly #hyperlinks = new Map<string, string>();
  readonly #runLinks = new Map<string, { startIndex: number; uri: string }[]>();
  readonly #checkboxes = new Set<string>();

  /** Sets (merges into) the format of every cell of `rect`, as the toolbar does. */
  format(rect: Rect, format: CellFormat): void {
    for (let row = rect.top; row <= rect.bottom; row++) {
      for (let col = rect.left; col <= rect.right; col++) this.#formats.set(key(row, col), merge(this.#formats.get(key(row, col)) ?? {}, format));
    }
  }

  /** A conditional format rule: cells of `rect` whose formatted value passes `when` take `format`. */
  conditional(rect: Rect, when: (value: string) => boolean, format: CellFormat): void {
    this.#conditional.push({ rect, when, format });
  }

  line(dimension: 'row' | 'column', index: number, change: Line): void {
    const lines = dimension === 'row' ? this.#rows : this.#columns;
    lines.set(index, { ...lines.get(index), ...change });
  }

  /** A `HYPERLINK` formula's or a link cell's URL. */
  hyperlink(row: number, col: number, uri: string): void {
    this.#hyperlinks.set(key(row, col), uri);
  }

  /** A rich-text link on part of a cell's text. */
  richLink(row: number, col: number, startIndex: number, uri: string): void {
    this.#runLinks.set(key(row, col), [...(this.#runLinks.get(key(row, col)) ?? []), { startIndex, uri }]);
  }

  checkbox(row: number, col: number): void {
    this.#checkboxes.add(key(row, col));
  }

  /** The cell's CellData (without its value) as the API gives it. */
  cellData(row: number, col: number, formattedValue: string): Record<string, unknown> {
    let effective = merge(DEFAULT_FORMAT, this.#formats.get(key(row, col)));
    for (const rule of this.#conditional) if (inside(rule.rect, row, col) && rule.when(formattedValue)) effective = merge(effective, rule.format);
    const runs = this.#runLinks.get(key(row, col));
    return {
      effectiveFormat: proto(effective),
      ...(this.#hyperlinks.has(key(row, col)) && { hyperlink: this.#hyperlinks.get(key(row, col)) }),
      ...(this.#checkboxes.has(key(row, col)) && { dataValidation: { condition: { type: 'BOOLEAN' } } }),
      ...(runs && { textFormatRuns: runs.map((r) => proto({ startIndex: r.startIndex, format: { link: { uri: r.uri } } })) }),
    };
  }

  rowMetadata(row: number): Record<string, unknown> {
    return proto({ pixelSize: DEFAULT_ROW_PX, ...this.#rows.get(row) }) as Record<string, unknown>;
  }

  columnMetadata(col: number): Record<string, unknown> {
    return proto({ pixelSize: DEFAULT_COLUMN_PX, ...this.#columns.get(col) }) as Record<string, unknown>;
  }
}

/** A GridRange: 0-based, end exclusive, zeros left out as proto3 JSON does. */
export function gridRange(sheetId: number, rect: Rect): Record<string, unknown> {
  return proto({ sheetId, startRowIndex: rect.top - 1, endRowIndex: rect.bottom, startColumnIndex: rect.left - 1, endColumnIndex: rect.right }) as Record<string, unknown>;
}

/** proto3 JSON: zero numbers, false and empty strings are left out (an empty message stays `{}`). */
export function proto(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(proto);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === 0 || v === false || v === '' || v === undefined) continue;
    out[k] = proto(v);
  }
  return out;
}
