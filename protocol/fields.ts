// The fields the relay's messages are made of, as TypeBox schemas: the relay validates with these
// objects and every part takes its types from them (`Static<>`). Only the relay imports values
// from here; the add-on and the view import types, so no schema code reaches their bundles.
import { Type, type Static } from 'typebox';
import { ErrorStatus, type ErrorCode } from './errors.ts';
import { Limits } from './wire.ts';

const CELL = '[A-Za-z]{1,3}[1-9][0-9]{0,7}';
/** Bounded A1 notation without the sheet name: `B2:C3`, `A1`. */
const A1Pattern = `^${CELL}(:${CELL})?$`;

/** Text without NUL: no sheet holds one, and Postgres cannot store one. */
export const NO_NUL = '^[^\\u0000]*$';

/** A doc id, share id or other id the relay makes. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Sheet = Type.String({ minLength: 1, maxLength: Limits.sheetNameChars, pattern: NO_NUL });
const Range = Type.String({ pattern: A1Pattern, maxLength: 23 });
export const Title = Type.String({ maxLength: Limits.titleChars, pattern: NO_NUL });

export const Access = Type.Union([Type.Literal('link'), Type.Literal('restricted')]);
export type Access = Static<typeof Access>;

/** An email address, or `@domain` for a whole domain. */
const AllowEntry = Type.String({ pattern: '^([^@\\s\\u0000]+@|@)[^@\\s\\u0000]+\\.[^@\\s\\u0000]+$', maxLength: 320 });
export const Allow = Type.Array(AllowEntry, { maxItems: Limits.allowEntries });

export const PublishedRange = Type.Object({ sheet: Sheet, range: Range }, { additionalProperties: false });
export type PublishedRange = Static<typeof PublishedRange>;
export const PublishedRanges = Type.Array(PublishedRange, { minItems: 1, maxItems: Limits.rangesPerDoc });

/** A rectangle of display values on one tab, row-major, as the relay sends it. */
export const RangeValues = Type.Object({ sheet: Type.String(), range: Type.String(), values: Type.Array(Type.Array(Type.String())) });
export type RangeValues = Static<typeof RangeValues>;

/** A rectangle of changes: `null` marks a cell inside the rectangle that did not change. */
export const RangeChanges = Type.Object({
  sheet: Type.String(),
  range: Type.String(),
  values: Type.Array(Type.Array(Type.Union([Type.String(), Type.Null()]))),
});
export type RangeChanges = Static<typeof RangeChanges>;

/** A rectangle of values as the add-on sends it: checked cell by cell against the relay's limit. */
export function Grid(charsPerCell: number) {
  const Cell = Type.String({ maxLength: charsPerCell, pattern: NO_NUL });
  return Type.Object({ sheet: Sheet, range: Range, values: Type.Array(Type.Array(Cell)) }, { additionalProperties: false });
}

/** Every error: `{"error":{"code","message"}}`, with the code's status from `ErrorStatus`. */
export const ApiError = Type.Object({
  error: Type.Object({ code: Type.Enum(Object.keys(ErrorStatus) as ErrorCode[]), message: Type.String() }),
});
export type ApiError = Static<typeof ApiError>;

/** The body of a 204. */
export const NoContent = Type.Null();
