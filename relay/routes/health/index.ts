// Liveness, readiness and metrics for the operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthStatus } from '../../../protocol/http.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { response: { 200: HealthStatus } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: HealthStatus, 503: HealthStatus } } }, async (request, reply) => {
    try {
      await Promise.all([app.store.ping(), app.bus.ping()]);
      // Viewers of some doc may still see what the store no longer says: not ready until caught up.
      if (app.hub.behind) throw new Error('live docs are catching up with the store');
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get('/metrics', async (request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
};

export default routes;
