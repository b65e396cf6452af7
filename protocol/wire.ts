// The wire contract between the add-on, the relay and the browser (SPEC.md, "Relay HTTP API"
// and "Live protocol"): its constants here, its error codes in errors.ts, its messages as TypeBox
// schemas in fields.ts, http.ts, google.ts and live.ts. The add-on and the view bundle this file,
// so it imports types only.

export type { Access, ApiError, PublishedRange, RangeChanges, RangeValues } from './fields.ts';
export type { DocInfo, EditsRequest, IngestResult, PublishRequest, PublishResponse, SharedRange, ShareSnapshot, SnapshotRequest } from './http.ts';
export type { CellStyle, RangeFormat, RangeFormatChange, ViewSettings } from './format.ts';
export type { ClosedFrame, DeltaFrame, LiveFrame, PresenceFrame, SnapshotFrame } from './live.ts';

/** WebSocket close codes of the live protocol. */
export const CloseCode = {
  /** The server is shutting down or restarting: reconnect. */
  GoingAway: 1001,
  SignInNeeded: 4401,
  NotAllowed: 4403,
  UnknownShare: 4404,
  /** The viewer fell too far behind: reconnect and resume. */
  TooSlow: 4408,
  TooManyConnections: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Default limits (SPEC.md, "Cells and ranges"); the relay makes each configurable. */
export const Limits = {
  cellsPerRequest: 50_000,
  cellsPerDoc: 100_000,
  bodyBytes: 1024 * 1024,
  charsPerCell: 50_000,
  batchIdChars: 128,
  titleChars: 200,
  sheetNameChars: 100,
  rangesPerDoc: 50,
  allowEntries: 500,
} as const;

/** Budgets per range's format (SPEC.md, "The sheet's look"); a format beyond them is refused with 400. */
export const FormatLimits = {
  styles: 1_000,
  fontChars: 100,
  linkChars: 2_048,
  /** Pixels, for a column width or a row height. */
  size: 2_000,
} as const;

export const LIVE_PATH = '/v1/live';
