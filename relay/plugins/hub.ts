import fp from 'fastify-plugin';
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
    const hub = new Hub(store, bus, config, metrics.hub);
    app.decorate('hub', hub);
    app.decorate('ingestor', new Ingestor(store, bus, config.limits, metrics.ingest));
    // Before the server closes: every viewer hears 1001 and reconnects elsewhere or later.
    app.addHook('preClose', async () => hub.close());
  },
  { name: 'hub', dependencies: ['store', 'bus', 'metrics'] },
);
