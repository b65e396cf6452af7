import fp from 'fastify-plugin';
import { ConfigError, type Config } from '../config.ts';
import type { GoogleRecords } from '../store/google-records.ts';
import { openPostgres, openSqlite } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { WebhookRecords } from '../store/webhook-records.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Store;
    /** Google grants, doc sync and Drive channels, on the store's connection. */
    googleRecords: GoogleRecords;
    /** Webhook endpoints with their delivery cursors and leases, on the store's connection. */
    webhookRecords: WebhookRecords;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const limits = { historyLimit: config.historyLimit, batchIdLimit: config.batchIdLimit, docBytes: config.docBytes };
    const { store, googleRecords, webhookRecords } = config.databaseUrl
      ? await openPostgres(config.databaseUrl, limits).catch((error: Error) => {
          throw new ConfigError('DATABASE_URL', `cannot use the database: ${error.message}`);
        })
      : openSqlite(config.dataPath, limits);
    app.decorate('store', store);
    app.decorate('googleRecords', googleRecords);
    app.decorate('webhookRecords', webhookRecords);
    // Runs after the server stopped taking requests and the hub closed its sockets.
    app.addHook('onClose', async () => store.close());
  },
  { name: 'store' },
);
