// The sheet's look (SPEC.md, "The sheet's look"): how a published range is formatted, as the
// add-on and the Sheets API path read it and the view renders it. A range's format travels
// beside its values, whole: a small table of distinct styles and, per cell, an index into it.
// Everything is optional, so a client that ignores formats keeps working.
import { Type, type Static } from 'typebox';
import { NO_NUL, PublishedRange } from './fields.ts';
import { FormatLimits } from './wire.ts';

const Color = Type.String({ pattern: '^#[0-9a-f]{6}$' });
const Yes = Type.Literal(true);
const Index = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const Pixels = Type.Integer({ minimum: 0, maximum: FormatLimits.size });

/**
 * One distinct style. An absent field is the sheet's default: white background, black text,
 * Arial 10 pt, not bold, italic, underlined or struck through, aligned by value (text left,
 * numbers right), at the bottom, overflowing into empty neighbours.
 */
export const CellStyle = Type.Object(
  {
    /** `#rrggbb`, lower case; alternating colours (bandings) arrive resolved into it. */
    bg: Type.Optional(Color),
    color: Type.Optional(Color),
    bold: Type.Optional(Yes),
    italic: Type.Optional(Yes),
    underline: Type.Optional(Yes),
    strike: Type.Optional(Yes),
    /** The family as the sheet names it; the view maps it to a web-safe stack. */
    font: Type.Optional(Type.String({ minLength: 1, maxLength: FormatLimits.fontChars, pattern: NO_NUL })),
    /** Points. */
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 400 })),
    h: Type.Optional(Type.Union([Type.Literal('left'), Type.Literal('center'), Type.Literal('right')])),
    v: Type.Optional(Type.Union([Type.Literal('top'), Type.Literal('middle'), Type.Literal('bottom')])),
    /** `wrap` breaks lines inside the cell; `clip` cuts the text at the cell's edge. */
    wrap: Type.Optional(Type.Union([Type.Literal('wrap'), Type.Literal('clip')])),
  },
  { additionalProperties: false },
);
export type CellStyle = Static<typeof CellStyle>;

/** Rows and columns of the range, 0-based from its top-left cell. */
const Cell = Type.Tuple([Index, Index]);

/**
 * A range's whole format. Positions are 0-based within the range. Rows and columns listed in
 * `hidden` carry empty values: their contents never left the sheet.
 */
export const RangeFormat = Type.Object(
  {
    styles: Type.Array(CellStyle, { maxItems: FormatLimits.styles }),
    /** Per cell, an index into `styles`; the range's shape. Absent: every cell has the default style. */
    cells: Type.Optional(Type.Array(Type.Array(Index))),
    /** `[row, col, rows, cols]`: the cell at row, col spans rows × cols cells; the others are covered. */
    merges: Type.Optional(Type.Array(Type.Tuple([Index, Index, Index, Index]))),
    /** Pixels per column of the range. */
    widths: Type.Optional(Type.Array(Pixels)),
    /** `[row, pixels]` for each row whose height is not the sheet's default (21 px). */
    heights: Type.Optional(Type.Array(Type.Tuple([Index, Pixels]))),
    /** The range's first rows and columns that the sheet keeps frozen. */
    frozen: Type.Optional(Type.Object({ rows: Index, columns: Index }, { additionalProperties: false })),
    /** Hidden by a person or by a filter: not shown, and their values are empty. */
    hidden: Type.Optional(Type.Object({ rows: Type.Array(Index), columns: Type.Array(Index) }, { additionalProperties: false })),
    /** `[row, col, url]`: a rich-text or `HYPERLINK` link. Viewers make only http, https and mailto clickable. */
    links: Type.Optional(Type.Array(Type.Tuple([Index, Index, Type.String({ minLength: 1, maxLength: FormatLimits.linkChars, pattern: NO_NUL })]))),
    /** Cells with checkbox validation: shown as a checkbox, ticked when the value is `TRUE`. */
    checks: Type.Optional(Type.Array(Cell)),
  },
  { additionalProperties: false },
);
export type RangeFormat = Static<typeof RangeFormat>;

/** A published range's new format, in an edits request or a delta frame. */
export const RangeFormatChange = Type.Object({ ...PublishedRange.properties, format: RangeFormat }, { additionalProperties: false });
export type RangeFormatChange = Static<typeof RangeFormatChange>;

/**
 * How the view shows a doc, as its publisher set it; embed attributes override each. Absent
 * fields take the defaults: chrome on, theme auto, sorting on, search off, board off.
 */
export const ViewSettings = Type.Object(
  {
    /** Column letters and row numbers. */
    chrome: Type.Optional(Type.Boolean()),
    theme: Type.Optional(Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('auto')])),
    /** Clicking a column header sorts the rows by it (in the view only). */
    sort: Type.Optional(Type.Boolean()),
    /** A box that shows only the rows containing its text. */
    search: Type.Optional(Type.Boolean()),
    /** For screens: fit to width, large type, slow auto-scroll of long lists. */
    board: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ViewSettings = Static<typeof ViewSettings>;
