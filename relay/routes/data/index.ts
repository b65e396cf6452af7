// The data API for developers (SPEC.md, "Data API"): a share's rows as JSON or CSV, and its live
// frames as Server-Sent Events. The same access rules as the view; link shares' data may be read
// from any origin (CORS) and held by a CDN for a second, restricted shares' never.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from 'typebox';
import { ApiError, NoContent } from '../../../protocol/fields.ts';
import { DataQuery, EventsHeaders, ShareParams, ShareRows } from '../../../protocol/http.ts';
import { admission } from '../../access.ts';
import { fail } from '../../errors.ts';
import { SseViewer } from '../../hub/sse-viewer.ts';
import { pickRange, toCsv, toRows } from '../../shares/table.ts';
import type { DocRecord } from '../../store/store.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError };
const notModified = { 304: NoContent };

/** How long a shared cache may serve a link share's rows without asking again. */
const CDN_SECONDS = 1;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  /** The share's doc, when this request may read it (404, 401 or 403 otherwise). */
  async function readable(request: FastifyRequest, shareId: string): Promise<DocRecord> {
    const doc = await app.store.getDocByShare(shareId);
    if (!doc) throw fail('unknown_share', 'no published doc has this share id');
    const verdict = admission(doc, app.sessions.read(request)?.email ?? null);
    if (verdict === 'sign_in_needed') throw fail('sign_in_required', 'this doc is restricted: sign in with Google');
    if (verdict === 'not_allowed') throw fail('not_allowed', "this Google account is not on the doc's allow list");
    return doc;
  }

  function shareHeaders(reply: FastifyReply, doc: DocRecord): void {
    if (doc.access === 'link') {
      reply.header('access-control-allow-origin', '*');
      reply.header('cache-control', `public, max-age=${CDN_SECONDS}`);
    } else {
      reply.header('cache-control', 'private, no-cache');
      reply.header('vary', 'cookie');
    }
  }

  /** The range asked for, with an ETag of the doc's epoch and seq: a 304 when the client holds it. */
  async function table(request: FastifyRequest, reply: FastifyReply, shareId: string, wanted: string | undefined) {
    const doc = await readable(request, shareId);
    shareHeaders(reply, doc);
    const snapshot = await app.hub.snapshot(doc);
    if (!snapshot) throw fail('unknown_share', 'no published doc has this share id');
    const range = pickRange(snapshot.ranges, wanted);
    const etag = `"${snapshot.epoch}.${snapshot.seq}"`;
    reply.header('etag', etag);
    const held = request.headers['if-none-match'];
    return { range, fresh: held !== undefined && held.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag) };
  }

  app.get(
    '/v1/shares/:shareId/rows',
    { schema: { params: ShareParams, querystring: DataQuery, response: { 200: ShareRows, ...notModified, ...errors } } },
    async (request, reply) => {
      const { range, fresh } = await table(request, reply, request.params.shareId, request.query.range);
      if (fresh) return reply.code(304).send(null);
      return toRows(range);
    },
  );

  app.get(
    '/v1/shares/:shareId/csv',
    { schema: { params: ShareParams, querystring: DataQuery, response: { 200: Type.String(), ...notModified, ...errors } } },
    async (request, reply) => {
      const { range, fresh } = await table(request, reply, request.params.shareId, request.query.range);
      if (fresh) return reply.code(304).send(null);
      return reply.type('text/csv; charset=utf-8').send(toCsv(range));
    },
  );

  app.get(
    '/v1/shares/:shareId/events',
    { schema: { params: ShareParams, headers: EventsHeaders, response: errors } },
    async (request, reply) => {
      const doc = await readable(request, request.params.shareId);
      const lastEventId = request.headers['last-event-id'];
      const [epoch, seq] = lastEventId?.split('.').map(Number) ?? [];
      const resume = epoch !== undefined && seq !== undefined ? { epoch, seq } : null;
      shareHeaders(reply, doc);
      reply.hijack();
      const res = reply.raw;
      // A proxy must pass each event on at once (nginx buffers responses unless told not to).
      const headers = { ...(reply.getHeaders() as OutgoingHttpHeaders), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' };
      res.writeHead(200, headers);
      res.write('retry: 2000\n\n');
      const email = app.sessions.read(request)?.email ?? null;
      await app.hub.join(new SseViewer(res, epoch), doc.shareId, request.ip, resume, email);
    },
  );
};

export default routes;
