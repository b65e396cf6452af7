// What a viewer may read without a socket: the current cells of a share.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, notFound } from '../../errors.ts';
import { ErrorBody, ShareParams, SnapshotReply } from '../../schemas.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/shares/:shareId/snapshot',
    { schema: { params: ShareParams, response: { 200: SnapshotReply, 401: ErrorBody, 404: ErrorBody } } },
    async (request, reply) => {
      const doc = await app.store.getDocByShare(request.params.shareId);
      if (!doc) throw notFound('unknown_share', 'no published doc has this share id');
      if (doc.access === 'restricted') throw new HttpError(401, 'sign_in_required', 'this doc is restricted: sign in with Google');
      const snapshot = await app.hub.snapshot(doc);
      if (!snapshot) throw notFound('unknown_share', 'no published doc has this share id');
      reply.header('cache-control', 'no-store');
      return snapshot;
    },
  );
};

export default routes;
