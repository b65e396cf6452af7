// What a viewer may read without a socket: the current cells of a share.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { admission } from '../../access.ts';
import { fail } from '../../errors.ts';
import { ApiError } from '../../../protocol/fields.ts';
import { ShareParams, ShareSnapshot } from '../../../protocol/http.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/shares/:shareId/snapshot',
    { schema: { params: ShareParams, response: { 200: ShareSnapshot, 401: ApiError, 403: ApiError, 404: ApiError } } },
    async (request, reply) => {
      const doc = await app.store.getDocByShare(request.params.shareId);
      if (!doc) throw fail('unknown_share', 'no published doc has this share id');
      const verdict = admission(doc, app.sessions.read(request)?.email ?? null);
      if (verdict === 'sign_in_needed') throw fail('sign_in_required', 'this doc is restricted: sign in with Google');
      if (verdict === 'not_allowed') throw fail('not_allowed', 'this Google account is not on the doc\'s allow list');
      const snapshot = await app.hub.snapshot(doc);
      if (!snapshot) throw fail('unknown_share', 'no published doc has this share id');
      reply.header('cache-control', 'no-store');
      return snapshot;
    },
  );
};

export default routes;
