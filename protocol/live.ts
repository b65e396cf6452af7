// The live protocol (SPEC.md, "Live protocol"): the query that opens a viewer's socket and the
// JSON text frames the relay sends on it. Close codes are `CloseCode` in wire.ts.
import { Type, type Static } from 'typebox';
import { Id, RangeChanges } from './fields.ts';
import { RangeFormatChange } from './format.ts';
import { ShareSnapshot } from './http.ts';

const Count = Type.String({ pattern: '^[0-9]{1,15}$' });

/** `GET /v1/live?share=…[&epoch=E&seq=N]`: both of epoch and seq resume, else a snapshot comes first. */
export const LiveQuery = Type.Object({ share: Id, epoch: Type.Optional(Count), seq: Type.Optional(Count) }, { additionalProperties: false });

/** The whole state: first, unless the connection resumes, and whenever the viewer must start over. */
export const SnapshotFrame = Type.Object({ type: Type.Literal('snapshot'), ...ShareSnapshot.properties });
export type SnapshotFrame = Static<typeof SnapshotFrame>;

/**
 * The next seq's changes; `seq` is exactly the previous frame's `seq + 1`. `formats` replaces
 * the whole format of each range it names; a format-only change has empty `changes`.
 */
export const DeltaFrame = Type.Object({
  type: Type.Literal('delta'),
  seq: Type.Integer(),
  changes: Type.Array(RangeChanges),
  formats: Type.Optional(Type.Array(RangeFormatChange)),
});
export type DeltaFrame = Static<typeof DeltaFrame>;

/** Viewers of this doc on every relay, sent when the number changed. */
export const PresenceFrame = Type.Object({ type: Type.Literal('presence'), viewers: Type.Integer() });
export type PresenceFrame = Static<typeof PresenceFrame>;

/** Sent before a `CloseCode.UnknownShare` close. */
export const ClosedFrame = Type.Object({ type: Type.Literal('closed'), reason: Type.Literal('unpublished') });
export type ClosedFrame = Static<typeof ClosedFrame>;

export const LiveFrame = Type.Union([SnapshotFrame, DeltaFrame, PresenceFrame, ClosedFrame]);
export type LiveFrame = Static<typeof LiveFrame>;
