// Publishing: create a doc, read its settings and stats, change it, unpublish it, rotate its key.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, NoContent } from '../../../protocol/fields.ts';
import { DocInfo, DocParams, PublishRequest, PublishResponse, RotateKeyResponse, UpdateDocRequest } from '../../../protocol/http.ts';
import type { DocRecord } from '../../store/store.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 413: ApiError };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, hub, docs } = app;
  const viewUrl = (shareId: string) => `${config.publicUrl}/view/${shareId}`;
  const embedUrl = `${config.publicUrl}/embed.js`;

  function info(doc: DocRecord): DocInfo {
    return {
      docId: doc.docId,
      shareId: doc.shareId,
      spreadsheetId: doc.spreadsheetId,
      title: doc.title,
      ranges: doc.ranges,
      access: doc.access,
      allow: doc.allow,
      view: doc.view,
      epoch: doc.epoch,
      seq: doc.seq,
      viewers: hub.viewerCount(doc.docId),
      createdAt: doc.createdAt,
      lastEditAt: doc.lastEditAt,
      viewUrl: viewUrl(doc.shareId),
      embedUrl,
    };
  }

  app.post(
    '/v1/docs',
    { schema: { body: PublishRequest, response: { 201: PublishResponse, ...errors } } },
    async (request, reply) => {
      const principal = await app.authenticatePublisher(request);
      const body = request.body;
      const { doc, ingestKey } = await docs.publish({
        ownerId: principal.id,
        spreadsheetId: body.spreadsheetId,
        title: body.title,
        ranges: body.ranges,
        access: body.access ?? 'link',
        allow: body.allow ?? [],
        view: body.view ?? {},
      });
      request.log.info({ docId: doc.docId, owner: principal.id }, 'doc published');
      // The answer holds the ingest key: no cache, shared or private, may keep it.
      return reply.code(201).header('cache-control', 'no-store').send({
        docId: doc.docId,
        shareId: doc.shareId,
        ingestKey,
        viewUrl: viewUrl(doc.shareId),
        embedUrl,
      });
    },
  );

  app.get(
    '/v1/docs/:docId',
    { schema: { params: DocParams, response: { 200: DocInfo, ...errors } } },
    async (request) => info(await app.ownedDoc(request, request.params.docId)),
  );

  app.patch(
    '/v1/docs/:docId',
    { schema: { params: DocParams, body: UpdateDocRequest, response: { 200: DocInfo, ...errors } } },
    async (request) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      return info(await docs.change(doc, request.body));
    },
  );

  app.delete(
    '/v1/docs/:docId',
    { schema: { params: DocParams, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      await docs.unpublish(doc.docId);
      request.log.info({ docId: doc.docId }, 'doc unpublished');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/docs/:docId/rotate-key',
    { schema: { params: DocParams, response: { 200: RotateKeyResponse, ...errors } } },
    async (request, reply) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      reply.header('cache-control', 'no-store');
      return { ingestKey: await docs.rotateKey(doc.docId) };
    },
  );
};

export default routes;
