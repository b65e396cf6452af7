// The relay's HTTP API for publishers, the add-on and viewers (SPEC.md, "Relay HTTP API"):
// params, bodies and replies as TypeBox schemas, each with its type of the same name.
import { Type, type Static } from 'typebox';
import { Access, Allow, Grid, Id, NO_NUL, PublishedRange, PublishedRanges, RangeValues, Title } from './fields.ts';
import { RangeFormat, RangeFormatChange, ViewSettings } from './format.ts';
import { Limits } from './wire.ts';

export const DocParams = Type.Object({ docId: Id });
export const ShareParams = Type.Object({ shareId: Id });
export type ShareParams = Static<typeof ShareParams>;

export const PublishRequest = Type.Object(
  {
    spreadsheetId: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
    title: Title,
    ranges: PublishedRanges,
    access: Type.Optional(Access),
    allow: Type.Optional(Allow),
    view: Type.Optional(ViewSettings),
  },
  { additionalProperties: false },
);
export type PublishRequest = Static<typeof PublishRequest>;

export const PublishResponse = Type.Object({
  docId: Type.String(),
  shareId: Type.String(),
  ingestKey: Type.String(),
  viewUrl: Type.String(),
  embedUrl: Type.String(),
});
export type PublishResponse = Static<typeof PublishResponse>;

export const UpdateDocRequest = Type.Object(
  {
    title: Type.Optional(Title),
    ranges: Type.Optional(PublishedRanges),
    access: Type.Optional(Access),
    allow: Type.Optional(Allow),
    view: Type.Optional(ViewSettings),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DocInfo = Type.Object({
  docId: Type.String(),
  shareId: Type.String(),
  spreadsheetId: Type.String(),
  title: Type.String(),
  ranges: Type.Array(PublishedRange),
  access: Access,
  allow: Type.Array(Type.String()),
  view: ViewSettings,
  epoch: Type.Integer(),
  seq: Type.Integer(),
  viewers: Type.Integer(),
  createdAt: Type.Integer(),
  /** ms since the epoch of the last applied edit, or null before the first. */
  lastEditAt: Type.Union([Type.Integer(), Type.Null()]),
  viewUrl: Type.String(),
  embedUrl: Type.String(),
});
export type DocInfo = Static<typeof DocInfo>;

export const RotateKeyResponse = Type.Object({ ingestKey: Type.String() });

/** Edits and snapshot bodies, whose cells are checked against the relay's configured limit. */
export function ingestRequests(charsPerCell: number) {
  const batch = {
    batchId: Type.String({ minLength: 1, maxLength: Limits.batchIdChars, pattern: NO_NUL }),
    /** ms since the epoch when the add-on read the values. */
    at: Type.Integer({ minimum: 0 }),
  };
  return {
    EditsRequest: Type.Object(
      {
        ...batch,
        edits: Type.Array(Grid(charsPerCell)),
        /** New formats of whole published ranges; an edits request may carry formats only. */
        formats: Type.Optional(Type.Array(RangeFormatChange, { maxItems: Limits.rangesPerDoc })),
      },
      { additionalProperties: false },
    ),
    SnapshotRequest: Type.Object(
      { ...batch, ranges: Type.Array(Type.Object({ ...Grid(charsPerCell).properties, format: Type.Optional(RangeFormat) }, { additionalProperties: false })) },
      { additionalProperties: false },
    ),
  };
}
export const { EditsRequest, SnapshotRequest } = ingestRequests(Limits.charsPerCell);
export type EditsRequest = Static<typeof EditsRequest>;
export type SnapshotRequest = Static<typeof SnapshotRequest>;

/** The answer to an edits POST or a snapshot PUT. */
export const IngestResult = Type.Object({
  /** The doc's seq after this batch (unchanged when nothing applied). */
  seq: Type.Integer(),
  /** Cells that changed. */
  applied: Type.Integer(),
  /** Cells outside the published ranges, unchanged, or older than what is stored. */
  dropped: Type.Integer(),
  /** True when this batchId was seen before: the first answer, nothing changed. */
  duplicate: Type.Boolean(),
});
export type IngestResult = Static<typeof IngestResult>;

/** A published range as viewers get it: its values and, when the publisher sends them, its format. */
export const SharedRange = Type.Object({ ...RangeValues.properties, format: Type.Optional(RangeFormat) });
export type SharedRange = Static<typeof SharedRange>;

export const ShareSnapshot = Type.Object({
  epoch: Type.Integer(),
  seq: Type.Integer(),
  title: Type.String(),
  ranges: Type.Array(SharedRange),
  /** The publisher's view settings (absent fields take the defaults). */
  view: Type.Optional(ViewSettings),
});
export type ShareSnapshot = Static<typeof ShareSnapshot>;

/** `GET /v1/shares/:shareId/rows` and `/csv`: which published range (`Sheet1!A1:C3`, or a sheet's name); the first when absent. */
export const DataQuery = Type.Object({ range: Type.Optional(Type.String({ minLength: 1, maxLength: 130, pattern: NO_NUL })) }, { additionalProperties: false });

/** A range's rows as objects keyed by its first row. */
export const ShareRows = Type.Array(Type.Record(Type.String(), Type.String()));

/** `GET /v1/shares/:shareId/events`: `Last-Event-ID` (`<epoch>.<seq>`) resumes exactly as the socket's epoch and seq do. */
export const EventsHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,15}$' })) });

/** `/healthz` and `/readyz`. */
export const HealthStatus = Type.Object({ status: Type.String() });

/** `/debug/stats` (SHEETCAST_BENCH=1 only): `?gc=1` collects garbage first. */
export const StatsQuery = Type.Object({ gc: Type.Optional(Type.Literal('1')) }, { additionalProperties: false });
