// A doc's webhooks, managed by its owner: register (the secret is shown once), list, delete.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError, NoContent } from '../../../protocol/fields.ts';
import { DocParams } from '../../../protocol/http.ts';
import { CreateWebhookRequest, CreateWebhookResponse, WebhookList, WebhookParams } from '../../../protocol/webhooks.ts';
import { fail } from '../../errors.ts';
import type { Webhooks } from '../../webhooks/webhooks.ts';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 503: ApiError };

const routes: FastifyPluginAsyncTypebox = async (app) => {
  function service(): Webhooks {
    if (!app.webhooks) throw fail('webhooks_not_configured', 'webhooks need SHEETCAST_SECRET_KEY on the relay (it seals their signing secrets)');
    return app.webhooks;
  }

  app.post(
    '/v1/docs/:docId/webhooks',
    { schema: { params: DocParams, body: CreateWebhookRequest, response: { 201: CreateWebhookResponse, ...errors } } },
    async (request, reply) => {
      const webhooks = service();
      const doc = await app.ownedDoc(request, request.params.docId);
      const created = await webhooks.register(doc, request.body.url);
      request.log.info({ docId: doc.docId, webhookId: created.id }, 'webhook registered');
      // The answer holds the signing secret: no cache may keep it.
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/v1/docs/:docId/webhooks',
    { schema: { params: DocParams, response: { 200: WebhookList, ...errors } } },
    async (request) => {
      const webhooks = service();
      const doc = await app.ownedDoc(request, request.params.docId);
      return webhooks.list(doc.docId);
    },
  );

  app.delete(
    '/v1/docs/:docId/webhooks/:webhookId',
    { schema: { params: WebhookParams, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      const webhooks = service();
      const doc = await app.ownedDoc(request, request.params.docId);
      await webhooks.remove(doc.docId, request.params.webhookId);
      request.log.info({ docId: doc.docId, webhookId: request.params.webhookId }, 'webhook deleted');
      return reply.code(204).send(null);
    },
  );
};

export default routes;
