import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { Hub } from '../hub/hub.ts';
import { Ingestor } from '../ingest/ingest.ts';

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
    ingestor: Ingestor;
  }
}

export default fp(
  async (app) => {
    const { config, store, bus, metrics } = app;
    const catchUpFailures = new Counter({
      name: 'sheetcast_catch_up_failures_total',
      help: 'Store reads to catch a live doc up that failed (each is retried until it succeeds)',
      registers: [metrics.registry],
    });
    const hub = new Hub(store, bus, config, metrics.hub, (docId, error) => {
      catchUpFailures.inc();
      app.log.warn({ docId, err: error }, 'catching a live doc up from the store failed; retrying');
    });
    app.decorate('hub', hub);
    app.decorate('ingestor', new Ingestor(store, bus, config.limits, metrics.ingest));
    // Before the server closes: every viewer hears 1001 and reconnects elsewhere or later.
    app.addHook('preClose', async () => hub.close());
  },
  { name: 'hub', dependencies: ['store', 'bus', 'metrics'] },
);
