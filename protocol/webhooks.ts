// Webhooks (SPEC.md, "Data API for developers"): the owner's routes and the events delivered, as
// TypeBox schemas with their types. Deliveries are signed per the Standard Webhooks specification.
import { Type, type Static } from 'typebox';
import { Id, RangeChanges } from './fields.ts';
import { RangeFormatChange } from './format.ts';
import { SharedRange } from './http.ts';

export const WebhookParams = Type.Object({ docId: Id, webhookId: Id });

export const CreateWebhookRequest = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2_048, pattern: '^[^\\u0000-\\u0020]*$' }) },
  { additionalProperties: false },
);
export type CreateWebhookRequest = Static<typeof CreateWebhookRequest>;

/** Shown once: the relay keeps the secret sealed and never answers it again. */
export const CreateWebhookResponse = Type.Object({ id: Type.String(), secret: Type.String() });
export type CreateWebhookResponse = Static<typeof CreateWebhookResponse>;

export const WebhookInfo = Type.Object({
  id: Type.String(),
  url: Type.String(),
  /** `disabled` after failing for SHEETCAST_WEBHOOK_DISABLE_AFTER_MS (a day); `lastError` says why. */
  state: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.Integer(),
  /** The last epoch and seq the endpoint acknowledged with a 2xx. */
  delivered: Type.Object({ epoch: Type.Integer(), seq: Type.Integer() }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** ms since the epoch when the current run of failures began; null while deliveries succeed. */
  failingSince: Type.Union([Type.Integer(), Type.Null()]),
  disabledAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type WebhookInfo = Static<typeof WebhookInfo>;

export const WebhookList = Type.Array(WebhookInfo);
export type WebhookList = Static<typeof WebhookList>;

/** One change of the doc, the live protocol's delta with the doc and epoch it belongs to. */
export const DeltaEvent = Type.Object({
  type: Type.Literal('sheet.delta'),
  docId: Type.String(),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  changes: Type.Array(RangeChanges),
  formats: Type.Optional(Type.Array(RangeFormatChange)),
});
export type DeltaEvent = Static<typeof DeltaEvent>;

/**
 * The whole state, sent instead of deltas the endpoint can no longer get in order: the doc's ranges
 * changed (a new epoch), or the endpoint fell further behind than the relay's history reaches.
 */
export const SnapshotEvent = Type.Object({
  type: Type.Literal('sheet.snapshot'),
  docId: Type.String(),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  title: Type.String(),
  ranges: Type.Array(SharedRange),
});
export type SnapshotEvent = Static<typeof SnapshotEvent>;

export type WebhookEvent = DeltaEvent | SnapshotEvent;
