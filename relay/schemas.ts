// JSON schemas of every route, built from the configured limits. They are the validation:
// a request that does not match gets a 400 before any handler runs.
import { Type, type Static } from 'typebox';
import { Limits } from '../protocol/wire.ts';
import type { Config } from './config.ts';

const CELL = '[A-Za-z]{1,3}[1-9][0-9]{0,7}';
export const A1Pattern = `^${CELL}(:${CELL})?$`;

/** Text without NUL: no sheet holds one, and Postgres cannot store one. */
const NO_NUL = '^[^\\u0000]*$';
const Sheet = Type.String({ minLength: 1, maxLength: Limits.sheetNameChars, pattern: NO_NUL });
const Range = Type.String({ pattern: A1Pattern, maxLength: 23 });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Access = Type.Union([Type.Literal('link'), Type.Literal('restricted')]);
/** An email address, or `@domain` for a whole domain. */
const AllowEntry = Type.String({ pattern: '^([^@\\s]+@|@)[^@\\s]+\\.[^@\\s]+$', maxLength: 320 });
const PublishedRange = Type.Object({ sheet: Sheet, range: Range }, { additionalProperties: false });
const PublishedRanges = Type.Array(PublishedRange, { minItems: 1, maxItems: Limits.rangesPerDoc });
const Title = Type.String({ maxLength: Limits.titleChars, pattern: NO_NUL });
const Allow = Type.Array(AllowEntry, { maxItems: Limits.allowEntries });

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export const DocParams = Type.Object({ docId: Id });
export const ShareParams = Type.Object({ shareId: Id });

export const PublishBody = Type.Object(
  {
    spreadsheetId: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
    title: Title,
    ranges: PublishedRanges,
    access: Type.Optional(Access),
    allow: Type.Optional(Allow),
  },
  { additionalProperties: false },
);
export type PublishBody = Static<typeof PublishBody>;

export const UpdateDocBody = Type.Object(
  {
    title: Type.Optional(Title),
    ranges: Type.Optional(PublishedRanges),
    access: Type.Optional(Access),
    allow: Type.Optional(Allow),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDocBody = Static<typeof UpdateDocBody>;

export const PublishReply = Type.Object({
  docId: Type.String(),
  shareId: Type.String(),
  ingestKey: Type.String(),
  viewUrl: Type.String(),
  embedUrl: Type.String(),
});

export const DocInfoReply = Type.Object({
  docId: Type.String(),
  shareId: Type.String(),
  spreadsheetId: Type.String(),
  title: Type.String(),
  ranges: Type.Array(PublishedRange),
  access: Access,
  allow: Type.Array(Type.String()),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  viewers: Type.Integer(),
  createdAt: Type.Integer(),
  lastEditAt: Type.Union([Type.Integer(), Type.Null()]),
  viewUrl: Type.String(),
  embedUrl: Type.String(),
});

export const IngestReply = Type.Object({
  seq: Type.Integer(),
  applied: Type.Integer(),
  dropped: Type.Integer(),
  duplicate: Type.Boolean(),
});

const Values = Type.Array(Type.Array(Type.String()));
export const SnapshotReply = Type.Object({
  epoch: Type.Integer(),
  seq: Type.Integer(),
  title: Type.String(),
  ranges: Type.Array(Type.Object({ sheet: Type.String(), range: Type.String(), values: Values })),
});

export const LiveQuery = Type.Object(
  {
    share: Id,
    epoch: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    seq: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  },
  { additionalProperties: false },
);
export type LiveQuery = Static<typeof LiveQuery>;

/** Ingest bodies depend on the configured cell limit. */
export function ingestSchemas(limits: Config['limits']) {
  const Grid = Type.Object(
    {
      sheet: Sheet,
      range: Range,
      values: Type.Array(Type.Array(Type.String({ maxLength: limits.charsPerCell, pattern: NO_NUL }))),
    },
    { additionalProperties: false },
  );
  const batch = { batchId: Type.String({ minLength: 1, maxLength: Limits.batchIdChars, pattern: NO_NUL }), at: Type.Integer({ minimum: 0 }) };
  return {
    EditsBody: Type.Object({ ...batch, edits: Type.Array(Grid) }, { additionalProperties: false }),
    SnapshotBody: Type.Object({ ...batch, ranges: Type.Array(Grid) }, { additionalProperties: false }),
  };
}
export type Grid = { sheet: string; range: string; values: string[][] };
