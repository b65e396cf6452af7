import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { SqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Store;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const store = new SqliteStore(config.dataPath, {
      historyLimit: config.historyLimit,
      batchIdLimit: config.batchIdLimit,
    });
    app.decorate('store', store);
    // Runs after the server stopped taking requests and the hub closed its sockets.
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store' },
);
