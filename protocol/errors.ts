// The relay's error codes (SPEC.md: `{"error":{"code","message"}}`), beside the live protocol's
// CloseCode in wire.ts. A module of its own so that the view's bundle, which never reads it,
// stays byte for byte what it was.

/** Every error code the relay answers, with its HTTP status: the one table both sides go by. */
export const ErrorStatus = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_range: 400,
  shape_mismatch: 400,
  invalid_format: 400,
  invalid_at: 400,
  invalid_spreadsheet: 400,
  empty_allow_list: 400,
  invalid_webhook_url: 400,
  webhook_target_refused: 400,
  /** Any other client fault Fastify reports; the relay answers with Fastify's own 4xx status. */
  bad_request: 400,
  unauthorized: 401,
  sign_in_required: 401,
  forbidden: 403,
  too_many_docs: 403,
  too_many_webhooks: 403,
  not_allowed: 403,
  cross_origin: 403,
  unknown_doc: 404,
  unknown_share: 404,
  unknown_channel: 404,
  unknown_webhook: 404,
  not_found: 404,
  picker_not_configured: 409,
  reconnect_needed: 409,
  google_not_connected: 409,
  owner_not_google: 409,
  too_many_cells: 413,
  body_too_large: 413,
  /** An edit or snapshot that would make the doc's stored values larger than SHEETCAST_DOC_BYTES. */
  doc_too_large: 413,
  /** A path segment longer than any id (the router's limit, 100 characters). */
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  google_failed: 502,
  google_not_configured: 503,
  webhooks_not_configured: 503,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ErrorStatus;

