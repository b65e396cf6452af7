// Edits and snapshots from the add-on (or any holder of the doc's ingest key).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DocParams, ErrorBody, IngestReply, ingestSchemas } from '../../schemas.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { EditsBody, SnapshotBody } = ingestSchemas(app.config.limits);

  app.post(
    '/v1/docs/:docId/edits',
    { schema: { params: DocParams, body: EditsBody, response: { 200: IngestReply, ...errors } } },
    async (request) => {
      const doc = await app.ingestDoc(request, request.params.docId);
      const { batchId, at, edits } = request.body;
      return app.ingestor.apply(doc, { batchId, at, grids: edits }, 'edits');
    },
  );

  app.put(
    '/v1/docs/:docId/snapshot',
    { schema: { params: DocParams, body: SnapshotBody, response: { 200: IngestReply, ...errors } } },
    async (request) => {
      const doc = await app.ingestDoc(request, request.params.docId);
      const { batchId, at, ranges } = request.body;
      return app.ingestor.apply(doc, { batchId, at, grids: ranges }, 'ranges');
    },
  );
};

export default routes;
