// The wire contract between the add-on, the relay and the browser (SPEC.md, "Relay HTTP API"
// and "Live protocol"). Plain types and constants only: the add-on and the view bundle this
// file, so it imports nothing.

/** A1 range without the sheet name: `B2:C3`, `A1`. */
export type A1Range = string;

/** A rectangle of display values on one tab, row-major. */
export interface RangeValues {
  sheet: string;
  range: A1Range;
  values: string[][];
}

/** A rectangle of changes: `null` marks a cell inside the rectangle that did not change. */
export interface RangeChanges {
  sheet: string;
  range: A1Range;
  values: (string | null)[][];
}

export interface PublishedRange {
  sheet: string;
  range: A1Range;
}

export type Access = 'link' | 'restricted';

// ---- HTTP bodies -------------------------------------------------------------------------

export interface PublishRequest {
  spreadsheetId: string;
  title: string;
  ranges: PublishedRange[];
  access?: Access;
  allow?: string[];
}

export interface PublishResponse {
  docId: string;
  shareId: string;
  ingestKey: string;
  viewUrl: string;
  embedUrl: string;
}

export interface UpdateDocRequest {
  title?: string;
  ranges?: PublishedRange[];
  access?: Access;
  allow?: string[];
}

export interface DocInfo {
  docId: string;
  shareId: string;
  spreadsheetId: string;
  title: string;
  ranges: PublishedRange[];
  access: Access;
  allow: string[];
  epoch: number;
  seq: number;
  viewers: number;
  createdAt: number;
  /** ms since epoch of the last applied edit, or null before the first. */
  lastEditAt: number | null;
  viewUrl: string;
  embedUrl: string;
}

export interface EditsRequest {
  batchId: string;
  at: number;
  edits: RangeValues[];
}

export interface SnapshotRequest {
  batchId: string;
  at: number;
  ranges: RangeValues[];
}

/** The answer to an edits POST or a snapshot PUT. */
export interface IngestResult {
  /** The doc's seq after this batch (unchanged when nothing applied). */
  seq: number;
  /** Cells that changed. */
  applied: number;
  /** Cells outside the published ranges, unchanged, or older than what is stored. */
  dropped: number;
  /** True when this batchId was seen before: the first answer, nothing changed. */
  duplicate: boolean;
}

export interface ShareSnapshot {
  epoch: number;
  seq: number;
  title: string;
  ranges: RangeValues[];
}

export interface ApiError {
  error: { code: string; message: string };
}

// ---- Live frames (server → client, JSON text) ---------------------------------------------

export interface SnapshotFrame extends ShareSnapshot {
  type: 'snapshot';
}

export interface DeltaFrame {
  type: 'delta';
  seq: number;
  changes: RangeChanges[];
}

export interface PresenceFrame {
  type: 'presence';
  viewers: number;
}

export interface ClosedFrame {
  type: 'closed';
  reason: 'unpublished';
}

export type LiveFrame = SnapshotFrame | DeltaFrame | PresenceFrame | ClosedFrame;

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

/** Every error code the relay answers, with its HTTP status: the one table both sides go by. */
export const ErrorStatus = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_range: 400,
  shape_mismatch: 400,
  invalid_at: 400,
  invalid_spreadsheet: 400,
  empty_allow_list: 400,
  /** Any other client fault Fastify reports; the relay answers with Fastify's own 4xx status. */
  bad_request: 400,
  unauthorized: 401,
  sign_in_required: 401,
  forbidden: 403,
  not_allowed: 403,
  cross_origin: 403,
  unknown_doc: 404,
  unknown_share: 404,
  unknown_channel: 404,
  not_found: 404,
  picker_not_configured: 409,
  reconnect_needed: 409,
  google_not_connected: 409,
  owner_not_google: 409,
  too_many_cells: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  google_failed: 502,
  google_not_configured: 503,
} as const;
export type ErrorCode = keyof typeof ErrorStatus;

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

export const LIVE_PATH = '/v1/live';
