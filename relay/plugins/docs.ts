import fp from 'fastify-plugin';
import { Docs } from '../docs/docs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Publish, change, unpublish, rotate a key: routes call this; it writes and tells the bus. */
    docs: Docs;
  }
}

export default fp(
  async (app) => {
    app.decorate('docs', new Docs(app.store, app.bus, { ...app.config.limits, docsPerPublisher: app.config.docsPerPublisher }));
  },
  { name: 'docs', dependencies: ['store', 'bus'] },
);
