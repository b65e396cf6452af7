// Edits and snapshots from the add-on (or any holder of the doc's ingest key).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../../../protocol/fields.ts';
import { DocParams, IngestResult, ingestRequests } from '../../../protocol/http.ts';

const errors = { 400: ApiError, 401: ApiError, 404: ApiError, 413: ApiError, 429: ApiError };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { EditsRequest, SnapshotRequest } = ingestRequests(app.config.limits.charsPerCell);

  app.post(
    '/v1/docs/:docId/edits',
    { schema: { params: DocParams, body: EditsRequest, response: { 200: IngestResult, ...errors } }, preHandler: app.limitIngest },
    async (request) => {
      const doc = await app.ingestDoc(request, request.params.docId);
      const { batchId, at, edits } = request.body;
      return app.ingestor.apply(doc, { batchId, at, grids: edits }, 'edits');
    },
  );

  app.put(
    '/v1/docs/:docId/snapshot',
    { schema: { params: DocParams, body: SnapshotRequest, response: { 200: IngestResult, ...errors } }, preHandler: app.limitIngest },
    async (request) => {
      const doc = await app.ingestDoc(request, request.params.docId);
      const { batchId, at, ranges } = request.body;
      return app.ingestor.apply(doc, { batchId, at, grids: ranges }, 'ranges');
    },
  );
};

export default routes;
