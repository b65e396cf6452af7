// Google sign-in and connect: `GET /auth/google/start` and `/auth/google/callback` (OAuth 2.0
// code flow with PKCE, `state` and `nonce` bound to a short-lived signed cookie), the session,
// and server-side sync of a doc (`/v1/docs/:docId/sync`).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { CodeChallengeMethod } from 'google-auth-library';
import { ApiError, NoContent } from '../../../protocol/fields.ts';
import { CallbackQuery, SessionReply, StartQuery, SyncReply } from '../../../protocol/google.ts';
import { DocParams } from '../../../protocol/http.ts';
import { fail } from '../../errors.ts';
import { DRIVE_FILE_SCOPE, SIGN_IN_SCOPES } from '../../google/clients.ts';
import { describeFailure, fileNotGranted } from '../../google/grants.ts';
import { googleOwner, owns } from '../../plugins/auth.ts';
import { randomId } from '../../secrets.ts';
import type { DocRecord } from '../../store/store.ts';
import { googleFailure, requireGoogle } from './failures.ts';
import { sendAuthResult, type AuthResult } from './pages.ts';
import webPublish from './publish.ts';

const STATE_COOKIE = 'sheetcast_oauth';
const STATE_PATH = '/auth/google';
const STATE_TTL_S = 600;

/** What the start of a flow leaves for its callback, signed, in a cookie scoped to /auth/google. */
interface FlowState {
  state: string;
  verifier: string;
  nonce: string;
  purpose: 'signin' | 'connect';
  returnTo: string | null;
  docId: string | null;
  expiresAt: number;
}

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 502: ApiError, 503: ApiError };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, store, googleRecords, sessions } = app;

  /** A path on this relay as the URL parser writes it: percent-encoded, so it is a valid Location header. */
  const returnPath = (path: string) => {
    const url = new URL(path, config.publicUrl);
    if (url.origin !== new URL(config.publicUrl).origin) throw fail('invalid_request', 'return must be a path on this relay');
    return url.pathname + url.search + url.hash;
  };

  const connectUrl = (docId: string) => `${config.publicUrl}/auth/google/start?purpose=connect&doc=${encodeURIComponent(docId)}`;

  app.get('/auth/google/start', { schema: { querystring: StartQuery } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    const purpose = request.query.purpose ?? 'signin';
    const oauth = google.clients.oauth();
    const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
    const flow: FlowState = {
      state: randomId(24),
      verifier: codeVerifier,
      nonce: randomId(24),
      purpose,
      returnTo: request.query.return ? returnPath(request.query.return) : null,
      docId: request.query.doc ?? null,
      expiresAt: Date.now() + STATE_TTL_S * 1000,
    };
    sessions.setSigned(reply, STATE_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), STATE_PATH, STATE_TTL_S);
    const url = oauth.generateAuthUrl({
      // A refresh token only when the relay will read the sheet without the publisher present.
      access_type: purpose === 'connect' ? 'offline' : 'online',
      scope: purpose === 'connect' ? [...SIGN_IN_SCOPES, DRIVE_FILE_SCOPE] : SIGN_IN_SCOPES,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: codeChallenge!,
      code_challenge_method: CodeChallengeMethod.S256,
      // Connecting again must return a refresh token, which Google gives only on consent; a
      // viewer refused with one account must be able to choose another.
      prompt: purpose === 'connect' ? 'consent' : 'select_account',
      ...(request.query.login_hint ? { login_hint: request.query.login_hint } : {}),
    });
    return reply.code(302).header('cache-control', 'no-store').redirect(url);
  });

  app.get('/auth/google/callback', { schema: { querystring: CallbackQuery } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    const flow = readFlow(request);
    sessions.clear(reply, STATE_COOKIE, STATE_PATH);
    const fail = (purpose: AuthResult['purpose'], error: string, words: string) =>
      sendAuthResult(reply, { source: 'sheetcast', type: 'google-auth', ok: false, purpose, error }, words);
    if (!flow || !request.query.state || flow.state !== request.query.state) {
      return fail(flow?.purpose ?? 'signin', 'invalid_state', 'This sign-in expired or was started elsewhere. Start again from Sheetcast.');
    }
    if (request.query.error || !request.query.code) {
      return fail(flow.purpose, request.query.error === 'access_denied' ? 'access_denied' : 'google_error', 'Google did not grant access.');
    }

    const oauth = google.clients.oauth();
    let tokens;
    let identity;
    try {
      ({ tokens } = await oauth.getToken({ code: request.query.code, codeVerifier: flow.verifier, redirect_uri: google.redirectUri }));
      if (!tokens.id_token) throw new Error('Google returned no ID token');
      identity = await google.clients.verifyIdToken(tokens.id_token, flow.nonce);
    } catch (error) {
      request.log.warn({ reason: describeFailure(error) }, 'Google sign-in failed');
      return fail(flow.purpose, 'sign_in_failed', 'Google did not confirm who you are. Try again.');
    }
    const email = identity.email!;
    sessions.start(reply, { sub: identity.sub, email });

    const result: AuthResult = { source: 'sheetcast', type: 'google-auth', ok: true, purpose: flow.purpose };
    let words = `Signed in as ${email}.`;
    if (flow.purpose === 'connect') {
      const ownerId = `google:${identity.sub}`;
      if (!(tokens.scope ?? '').split(' ').includes(DRIVE_FILE_SCOPE)) {
        return fail('connect', 'scope_denied', 'Sheetcast needs access to the spreadsheet you publish. Connect again and allow it.');
      }
      try {
        await google.grants.save(ownerId, email, tokens);
      } catch (error) {
        return fail('connect', 'no_offline_access', describeFailure(error));
      }
      await google.sync.reconnectAll(ownerId);
      words = `Connected ${email}.`;
      if (flow.docId) {
        const doc = await store.getDoc(flow.docId);
        if (!doc || !owns(googleOwner(identity.sub), doc)) return fail('connect', 'not_owner', 'That doc is not published from this Google account.');
        try {
          await google.sync.connect(doc);
        } catch (error) {
          // drive.file covers only files picked with Sheetcast: the Picker page grants this one.
          if (fileNotGranted(error) && config.google.pickerApiKey && config.google.projectNumber) {
            return reply.code(303).header('cache-control', 'no-store').redirect(`/publish?doc=${encodeURIComponent(doc.docId)}`);
          }
          return fail('connect', googleFailure(error).code, describeFailure(error));
        }
        result.docId = doc.docId;
        words = `Connected: "${doc.title}" now stays live from Google Sheets.`;
      }
    }
    request.log.info({ purpose: flow.purpose }, 'signed in with Google');
    if (flow.returnTo) return reply.code(303).header('cache-control', 'no-store').redirect(flow.returnTo);
    return sendAuthResult(reply, result, words);
  });

  app.get(
    '/auth/google/session',
    { schema: { response: { 200: SessionReply } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const session = sessions.read(request);
      if (!session) return { email: null, connected: false };
      return { email: session.email, connected: app.google ? await app.google.grants.has(`google:${session.sub}`) : false };
    },
  );

  app.post('/auth/google/signout', async (request, reply) => {
    app.sameOrigin(request);
    sessions.end(reply);
    return reply.code(204).send();
  });

  /** The publisher takes Sheetcast's access back: sync stops on every doc, the grant is revoked at Google. */
  app.post('/auth/google/disconnect', { schema: { response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    app.sameOrigin(request);
    const session = sessions.read(request);
    if (!session) throw fail('unauthorized', 'sign in with Google first');
    const ownerId = `google:${session.sub}`;
    for (const sync of await googleRecords.docSyncsOf(ownerId)) await google.sync.disconnect(sync.docId);
    await google.grants.disconnect(ownerId);
    return reply.code(204).send(null);
  });

  function readFlow(request: FastifyRequest): FlowState | null {
    const value = sessions.readSigned(request, STATE_COOKIE);
    if (!value) return null;
    try {
      const flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FlowState;
      return flow.expiresAt > Date.now() ? flow : null;
    } catch {
      return null;
    }
  }

  /** The doc, for its owner: a publisher bearer token, or the signed-in owner's session. */
  async function ownedBySessionOrBearer(request: FastifyRequest, docId: string): Promise<DocRecord> {
    if (request.headers.authorization) return app.ownedDoc(request, docId);
    app.sameOrigin(request);
    const session = sessions.read(request);
    if (!session) throw fail('unauthorized', 'sign in with Google, or send "Authorization: Bearer <token>"');
    return app.docOwnedBy(googleOwner(session.sub), docId);
  }

  async function syncReply(docId: string) {
    const state = await requireGoogle(app.google).sync.state(docId);
    return { ...state, connectUrl: connectUrl(docId) };
  }

  app.get('/v1/docs/:docId/sync', { schema: { params: DocParams, response: { 200: SyncReply, ...errors } } }, async (request, reply) => {
    const doc = await ownedBySessionOrBearer(request, request.params.docId);
    reply.header('cache-control', 'no-store');
    return syncReply(doc.docId);
  });

  app.post('/v1/docs/:docId/sync', { schema: { params: DocParams, response: { 200: SyncReply, ...errors } } }, async (request) => {
    const google = requireGoogle(app.google);
    const doc = await ownedBySessionOrBearer(request, request.params.docId);
    if (!doc.ownerId.startsWith('google:')) {
      throw fail('owner_not_google', 'server-side sync reads the sheet as its publisher: publish it with a Google account');
    }
    if (!(await google.grants.has(doc.ownerId))) {
      throw fail('google_not_connected', `connect Google first: ${connectUrl(doc.docId)}`);
    }
    try {
      await google.sync.connect(doc);
    } catch (error) {
      throw googleFailure(error);
    }
    return syncReply(doc.docId);
  });

  app.delete('/v1/docs/:docId/sync', { schema: { params: DocParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const google = requireGoogle(app.google);
    const doc = await ownedBySessionOrBearer(request, request.params.docId);
    await google.sync.disconnect(doc.docId);
    return reply.code(204).send(null);
  });

  await app.register(webPublish);
};

export default routes;
