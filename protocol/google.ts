// The relay's Google routes (SPEC.md, "Publishing from the web"; docs/google.md): sign-in and
// connect, the session, the Picker's grant, publishing from the web and server-side sync.
import { Type } from 'typebox';
import { Access, Allow, Id, NO_NUL, PublishedRanges, Title } from './fields.ts';

/** Only a path on this relay: never another origin (`//evil`, `/\evil`). */
const RETURN_PATH = '^/(?![/\\\\])[^\\s]{0,500}$';

/** `GET /auth/google/start`. */
export const StartQuery = Type.Object(
  {
    purpose: Type.Optional(Type.Union([Type.Literal('signin'), Type.Literal('connect')])),
    return: Type.Optional(Type.String({ pattern: RETURN_PATH })),
    doc: Type.Optional(Id),
    login_hint: Type.Optional(Type.String({ maxLength: 320 })),
  },
  { additionalProperties: false },
);

/** `GET /auth/google/callback`: what Google sends back. */
export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2048 })),
  state: Type.Optional(Type.String({ maxLength: 256 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
});

/** `GET /auth/google/session`. */
export const SessionReply = Type.Object({ email: Type.Union([Type.String(), Type.Null()]), connected: Type.Boolean() });

/** `GET /auth/google/picker`: the publisher's own short-lived access token (drive.file), the key and the app id. */
export const PickerReply = Type.Object({ accessToken: Type.String(), apiKey: Type.String(), appId: Type.String() });

/** `GET /publish?doc=…`: the page that connects an add-on doc to Google. */
export const PublishPageQuery = Type.Object({ doc: Type.Optional(Id) });

/** `POST /v1/google/docs`. */
export const WebPublishRequest = Type.Object(
  {
    /** The sheet's URL (`https://docs.google.com/spreadsheets/d/<id>/edit…`) or its id. */
    spreadsheet: Type.String({ minLength: 1, maxLength: 1000, pattern: NO_NUL }),
    title: Type.Optional(Title),
    ranges: PublishedRanges,
    access: Type.Optional(Access),
    allow: Type.Optional(Allow),
  },
  { additionalProperties: false },
);

export const WebPublishResponse = Type.Object({
  docId: Type.String(),
  shareId: Type.String(),
  title: Type.String(),
  viewUrl: Type.String(),
  embedUrl: Type.String(),
});

/** `/v1/docs/:docId/sync`: whether the relay keeps the doc live from the Sheets API. */
export const SyncReply = Type.Object({
  status: Type.Union([Type.Literal('off'), Type.Literal('live'), Type.Literal('reconnect_needed')]),
  account: Type.Union([Type.String(), Type.Null()]),
  lastSyncAt: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  channelExpiresAt: Type.Union([Type.Integer(), Type.Null()]),
  connectUrl: Type.String(),
});
