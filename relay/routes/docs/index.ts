// Publishing: create a doc, read its settings and stats, change it, unpublish it, rotate its key.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatA1, parseA1 } from '../../../protocol/a1.ts';
import type { DocInfo, PublishedRange } from '../../../protocol/wire.ts';
import { publishedCellCount, toAreas } from '../../cells/cells.ts';
import { fail } from '../../errors.ts';
import { hashSecret, newDocId, newIngestKey, newShareId } from '../../secrets.ts';
import {
  DocInfoReply,
  DocParams,
  ErrorBody,
  PublishBody,
  PublishReply,
  UpdateDocBody,
} from '../../schemas.ts';
import type { DocRecord } from '../../store/store.ts';
import { Type } from 'typebox';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, store, hub, bus } = app;
  const viewUrl = (shareId: string) => `${config.publicUrl}/view/${shareId}`;
  const embedUrl = `${config.publicUrl}/embed.js`;

  /** Canonical A1 (upper case, corners in order), within the per-doc cell limit. */
  function checkRanges(ranges: PublishedRange[]): PublishedRange[] {
    const cells = publishedCellCount(toAreas(ranges));
    if (cells > config.limits.cellsPerDoc) {
      throw fail('too_many_cells', `the ranges hold ${cells} cells; a doc may publish ${config.limits.cellsPerDoc}`);
    }
    return ranges.map((r) => ({ sheet: r.sheet, range: formatA1(parseA1(r.range)!) }));
  }

  function info(doc: DocRecord): DocInfo {
    return {
      docId: doc.docId,
      shareId: doc.shareId,
      spreadsheetId: doc.spreadsheetId,
      title: doc.title,
      ranges: doc.ranges,
      access: doc.access,
      allow: doc.allow,
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
    { schema: { body: PublishBody, response: { 201: PublishReply, ...errors } } },
    async (request, reply) => {
      const principal = await app.authenticatePublisher(request);
      const body = request.body;
      const ingestKey = newIngestKey();
      const doc = await store.createDoc({
        docId: newDocId(),
        shareId: newShareId(),
        ownerId: principal.id,
        spreadsheetId: body.spreadsheetId,
        title: body.title,
        ranges: checkRanges(body.ranges),
        access: body.access ?? 'link',
        allow: body.allow ?? [],
        ingestKeyHash: hashSecret(ingestKey),
      });
      request.log.info({ docId: doc.docId, owner: principal.id }, 'doc published');
      return reply.code(201).send({
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
    { schema: { params: DocParams, response: { 200: DocInfoReply, ...errors } } },
    async (request) => info(await app.ownedDoc(request, request.params.docId)),
  );

  app.patch(
    '/v1/docs/:docId',
    { schema: { params: DocParams, body: UpdateDocBody, response: { 200: DocInfoReply, ...errors } } },
    async (request) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      const { ranges, ...rest } = request.body;
      const newRanges = ranges ? checkRanges(ranges) : undefined;
      const rangesChanged = newRanges !== undefined && JSON.stringify(newRanges) !== JSON.stringify(doc.ranges);
      const updated = (await store.updateDoc(doc.docId, { ...rest, ...(rangesChanged ? { ranges: newRanges } : {}) }))!;
      bus.publish({ type: 'doc', docId: doc.docId, event: rangesChanged ? 'epoch' : 'settings' });
      return info(updated);
    },
  );

  app.delete(
    '/v1/docs/:docId',
    { schema: { params: DocParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      await store.deleteDoc(doc.docId);
      bus.publish({ type: 'doc', docId: doc.docId, event: 'unpublished' });
      request.log.info({ docId: doc.docId }, 'doc unpublished');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/docs/:docId/rotate-key',
    { schema: { params: DocParams, response: { 200: Type.Object({ ingestKey: Type.String() }), ...errors } } },
    async (request) => {
      const doc = await app.ownedDoc(request, request.params.docId);
      const ingestKey = newIngestKey();
      await store.updateDoc(doc.docId, { ingestKeyHash: hashSecret(ingestKey) });
      return { ingestKey };
    },
  );
};

export default routes;
