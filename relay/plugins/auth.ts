// Who may do what: publishers (the admin token or a Google ID token), owners of a doc, and
// holders of a doc's ingest key. Viewers of link shares need nothing but the share id.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { OAuth2Client } from 'google-auth-library';
import { fail } from '../errors.ts';
import { fromOwnOrigin } from '../origin.ts';
import { hashSecret, secretMatches } from '../secrets.ts';
import type { DocRecord } from '../store/store.ts';

export interface Principal {
  /** `admin`, or `google:<sub>`: the owner recorded on docs it publishes. */
  id: string;
  email: string | null;
  admin: boolean;
}

/** Who may manage a doc: its owner, or the admin (who owns every doc). */
export type Owner = Pick<Principal, 'id' | 'admin'>;

export function owns(owner: Owner, doc: DocRecord): boolean {
  return owner.admin || doc.ownerId === owner.id;
}

/** A Google account (a verified ID token, or a signed-in session) as the owner of its docs. */
export const googleOwner = (sub: string): Owner => ({ id: `google:${sub}`, admin: false });

declare module 'fastify' {
  interface FastifyInstance {
    authenticatePublisher(request: FastifyRequest): Promise<Principal>;
    /** The doc, when the request's publisher owns it (the admin owns every doc). */
    ownedDoc(request: FastifyRequest, docId: string): Promise<DocRecord>;
    /** The doc, when `owner` owns it: 404 when there is none, 403 when it is someone else's. */
    docOwnedBy(owner: Owner, docId: string): Promise<DocRecord>;
    /** Refuses (403) a state-changing request carried by a cookie when another site's page sent it. */
    sameOrigin(request: FastifyRequest): void;
    /** The doc, when the request carries its current ingest key. */
    ingestDoc(request: FastifyRequest, docId: string): Promise<DocRecord>;
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw fail('unauthorized', 'send "Authorization: Bearer <token>"');
  return match[1]!;
}

/** Google's endpoints, or the emulator's when SHEETCAST_GOOGLE_BASE is set (same paths). */
export function googleEndpoints(base: string | undefined) {
  if (!base) return undefined;
  return {
    oauth2FederatedSignonPemCertsUrl: `${base}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${base}/oauth2/v3/certs`,
    oauth2TokenUrl: `${base}/token`,
    oauth2RevokeUrl: `${base}/revoke`,
    oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
    tokenInfoUrl: `${base}/tokeninfo`,
  };
}

export default fp(
  async (app) => {
    const { config, store } = app;
    const adminHash = config.adminToken ? hashSecret(config.adminToken) : null;
    const google = new OAuth2Client({ endpoints: googleEndpoints(config.googleBase) });

    async function verifyGoogle(token: string): Promise<Principal> {
      if (config.googleClientIds.length === 0) throw fail('unauthorized', 'invalid token');
      let payload;
      try {
        payload = (await google.verifyIdToken({ idToken: token, audience: config.googleClientIds })).getPayload();
      } catch (error) {
        // The library's message may quote the token: only its kind goes back, never its words.
        const said = (error as Error).message;
        const reason = /too late|expired/i.test(said) ? 'it has expired' : /audience|recipient/i.test(said) ? 'it was issued to another client' : 'Google did not sign it';
        throw fail('unauthorized', `invalid Google ID token: ${reason}`);
      }
      if (!payload?.sub) throw fail('unauthorized', 'the Google ID token has no subject');
      if (payload.email_verified !== true) throw fail('unauthorized', 'the Google account\'s email is not verified');
      return { ...googleOwner(payload.sub), email: payload.email ?? null };
    }

    async function authenticatePublisher(request: FastifyRequest): Promise<Principal> {
      const token = bearer(request);
      if (adminHash && secretMatches(token, adminHash)) return { id: 'admin', email: null, admin: true };
      // A JWT has three dot-separated parts; anything else cannot be a Google ID token.
      if (token.split('.').length === 3) return verifyGoogle(token);
      throw fail('unauthorized', 'invalid token');
    }

    app.decorate('authenticatePublisher', authenticatePublisher);

    async function docOwnedBy(owner: Owner, docId: string): Promise<DocRecord> {
      const doc = await store.getDoc(docId);
      if (!doc) throw fail('unknown_doc', 'no doc has this id');
      if (!owns(owner, doc)) throw fail('forbidden', 'this doc belongs to someone else');
      return doc;
    }

    app.decorate('docOwnedBy', docOwnedBy);
    app.decorate('ownedDoc', async (request: FastifyRequest, docId: string) => docOwnedBy(await authenticatePublisher(request), docId));

    const ownOrigin = new URL(config.publicUrl).origin;
    app.decorate('sameOrigin', (request: FastifyRequest) => {
      if (!fromOwnOrigin(request, ownOrigin)) throw fail('cross_origin', 'this request must come from the relay\'s own page');
    });

    app.decorate('ingestDoc', async (request: FastifyRequest, docId: string) => {
      const key = bearer(request);
      const doc = await store.getDoc(docId);
      if (!doc) throw fail('unknown_doc', 'no doc has this id (it may have been unpublished)');
      if (!secretMatches(key, doc.ingestKeyHash)) throw fail('unauthorized', 'invalid ingest key');
      return doc;
    });
  },
  { name: 'auth', dependencies: ['store'] },
);
