import fp from 'fastify-plugin';
import { ConfigError, type Config } from '../config.ts';
import { PostgresStore } from '../store/postgres.ts';
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
    const limits = { historyLimit: config.historyLimit, batchIdLimit: config.batchIdLimit };
    const store: Store = config.databaseUrl
      ? await PostgresStore.open(config.databaseUrl, limits).catch((error: Error) => {
          throw new ConfigError('DATABASE_URL', `cannot use the database: ${error.message}`);
        })
      : new SqliteStore(config.dataPath, limits);
    app.decorate('store', store);
    // Runs after the server stopped taking requests and the hub closed its sockets.
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store' },
);
