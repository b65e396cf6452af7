// What a viewer may read without a socket: the current cells of a share. Each state of a doc is
// read and serialized once however many GETs ask for it (snapshot-reads.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Counter } from 'prom-client';
import { admission } from '../../access.ts';
import { fail } from '../../errors.ts';
import { ApiError } from '../../../protocol/fields.ts';
import { ShareParams, ShareSnapshot } from '../../../protocol/http.ts';
import { SnapshotReads } from './snapshot-reads.ts';

/** Seconds a GET refused for too many snapshot reads is told to wait. */
const BUSY_RETRY_S = 1;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const gets = new Counter({
    name: 'sheetcast_snapshot_gets_total',
    help: 'Snapshot GETs by how they were answered: read from the store, shared with a read under way, from the serialized cache, or refused (503)',
    labelNames: ['outcome'] as const,
    registers: [app.metrics.registry],
  });
  const reads = new SnapshotReads((doc) => app.hub.snapshot(doc), app.config.snapshotReads, (outcome) => gets.inc({ outcome }));

  app.get(
    '/v1/shares/:shareId/snapshot',
    { schema: { params: ShareParams, response: { 200: ShareSnapshot, 401: ApiError, 403: ApiError, 404: ApiError, 503: ApiError } } },
    async (request, reply) => {
      const doc = await app.store.getDocByShare(request.params.shareId);
      if (!doc) throw fail('unknown_share', 'no published doc has this share id');
      const verdict = admission(doc, app.sessions.read(request)?.email ?? null);
      if (verdict === 'sign_in_needed') throw fail('sign_in_required', 'this doc is restricted: sign in with Google');
      if (verdict === 'not_allowed') throw fail('not_allowed', 'this Google account is not on the doc\'s allow list');
      const snapshot = await reads.get(doc);
      if (snapshot === 'busy') {
        reply.header('retry-after', BUSY_RETRY_S);
        throw fail('unavailable', 'too many snapshots are being read: try again shortly');
      }
      if (!snapshot) throw fail('unknown_share', 'no published doc has this share id');
      reply.header('cache-control', 'no-store');
      // Serialized once for every GET of this state: Fastify sends a Buffer as it is, not through the
      // response schema again (the schema still documents it; the type provider knows only objects).
      return reply.type('application/json; charset=utf-8').send(snapshot.body as never);
    },
  );
};

export default routes;
