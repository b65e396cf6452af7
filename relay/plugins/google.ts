// Google integration, when configured (GOOGLE_CLIENT_IDS, GOOGLE_CLIENT_SECRET and
// SHEETCAST_SECRET_KEY): the clients, publishers' sealed grants, Drive channels with their
// renewal, and the server-side sync of connected docs.
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { systemClock, DriveChannels, type Clock } from '../google/channels.ts';
import { GoogleClients } from '../google/clients.ts';
import { deriveKeys } from '../google/crypto.ts';
import { Grants } from '../google/grants.ts';
import { GoogleSync } from '../google/sync.ts';

export interface Google {
  clients: GoogleClients;
  grants: Grants;
  channels: DriveChannels;
  sync: GoogleSync;
  redirectUri: string;
  /** Counts each Drive notification by what became of it. */
  notification(outcome: 'read_scheduled' | 'sync_ignored' | 'unknown_channel' | 'bad_token'): void;
}

export interface GooglePluginOptions {
  /** The channel renewal's clock; the system clock unless a test moves time. */
  clock?: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Null when the OAuth client or the secret key is not configured. */
    google: Google | null;
  }
}

export default fp<GooglePluginOptions>(
  async (app, options) => {
    const { config, store, googleRecords, bus, ingestor } = app;
    const [clientId] = config.googleClientIds;
    if (!config.googleClientSecret || !config.secretKey || !clientId) {
      app.decorate('google', null);
      return;
    }
    const clock = options.clock ?? systemClock;
    const redirectUri = `${config.publicUrl}/auth/google/callback`;
    const clients = new GoogleClients({ clientId, clientSecret: config.googleClientSecret, redirectUri, base: config.googleBase });
    const grants = new Grants(googleRecords, clients, deriveKeys(config.secretKey).tokens);
    const channels = new DriveChannels(googleRecords, clients, clock, {
      address: `${config.publicUrl}/webhooks/drive`,
      ttlMs: config.google.channelTtlMs,
      renewMs: config.google.channelRenewMs,
    });
    const log = app.log.child({ part: 'google' });
    const registers = [app.metrics.registry];
    const notifications = new Counter({ name: 'sheetcast_drive_notifications_total', help: 'Drive push notifications by outcome', labelNames: ['outcome'] as const, registers });
    const reads = new Counter({ name: 'sheetcast_google_reads_total', help: 'Reads of connected docs from the Sheets API by outcome', labelNames: ['outcome'] as const, registers });
    const renewals = new Counter({ name: 'sheetcast_drive_channels_renewed_total', help: 'Drive channels replaced before they expired', registers });
    const metrics = { read: (outcome: string) => reads.inc({ outcome }), channelRenewed: () => renewals.inc(), channelRenewalFailed: app.metrics.drive.channelRenewalFailed };
    const sync = new GoogleSync({ store, records: googleRecords, ingestor, clients, grants, channels, clock, log, metrics, debounceMs: config.google.syncDebounceMs });
    app.decorate('google', { clients, grants, channels, sync, redirectUri, notification: (outcome) => notifications.inc({ outcome }) });

    bus.subscribe((message) => {
      if (message.type !== 'doc') return;
      // Unpublished: stop watching. New ranges: fill them from the sheet.
      if (message.event === 'unpublished') void sync.disconnect(message.docId).catch((error: unknown) => log.warn({ err: error }, 'stopping sync failed'));
      if (message.event === 'epoch') sync.schedule(message.docId);
    });

    const renew = () =>
      void sync.renewDue().catch((error: unknown) => {
        app.metrics.drive.channelRenewalFailed();
        log.warn({ err: error }, 'channel renewal failed');
      });
    const timer = setInterval(renew, config.google.channelCheckMs);
    timer.unref();
    app.addHook('onReady', async () => renew());
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await sync.close();
    });
  },
  { name: 'google', dependencies: ['store', 'bus', 'hub', 'metrics', 'session'] },
);
