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
      const { batchId, at, edits, formats = [] } = request.body;
      const incoming = formats.map((f, i) => ({ ...f, field: `formats[${i}]` }));
      return app.ingestor.apply(doc, { batchId, at, grids: edits, formats: incoming }, 'edits');
    },
  );

  app.put(
    '/v1/docs/:docId/snapshot',
    { schema: { params: DocParams, body: SnapshotRequest, response: { 200: IngestResult, ...errors } }, preHandler: app.limitIngest },
    async (request) => {
      const doc = await app.ingestDoc(request, request.params.docId);
      const { batchId, at, ranges } = request.body;
      const grids = ranges.map(({ sheet, range, values }) => ({ sheet, range, values }));
      const formats = ranges.flatMap(({ sheet, range, format }, i) => (format ? [{ sheet, range, format, field: `ranges[${i}]` }] : []));
      return app.ingestor.apply(doc, { batchId, at, grids, formats }, 'ranges');
    },
  );
};

export default routes;
