// Webhooks, when SHEETCAST_SECRET_KEY is set (it seals their signing secrets): the owner's service,
// and the deliverer, woken by the bus's deltas and by a periodic sweep for retries and anything missed.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { Counter, Histogram } from 'prom-client';
import { WebhookDeliverer } from '../webhooks/deliverer.ts';
import { webhookSealingKey } from '../webhooks/secret.ts';
import { Webhooks } from '../webhooks/webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Null without SHEETCAST_SECRET_KEY: the webhook routes then answer 503. */
    webhooks: Webhooks | null;
  }
}

export default fp(
  async (app) => {
    const { config, store, webhookRecords, bus } = app;
    if (!config.secretKey) {
      app.decorate('webhooks', null);
      return;
    }
    const sealingKey = webhookSealingKey(config.secretKey);

    const registers = [app.metrics.registry];
    const seconds = new Histogram({
      name: 'sheetcast_webhook_delivery_seconds',
      help: 'Time from sending a webhook delivery to its answer (or failure)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const deliveries = new Counter({ name: 'sheetcast_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'] as const, registers });
    const disabled = new Counter({ name: 'sheetcast_webhooks_disabled_total', help: 'Webhooks disabled after failing for the whole window', registers });
    const log = app.log.child({ part: 'webhooks' });
    const deliverer = new WebhookDeliverer(store, webhookRecords, {
      instance: randomUUID(),
      config: config.webhooks,
      sealingKey,
      log,
      metrics: {
        attempt: (outcome, time) => {
          deliveries.inc({ outcome });
          seconds.observe(time);
        },
        disabled: () => disabled.inc(),
      },
    });

    app.decorate('webhooks', new Webhooks(webhookRecords, config.webhooks, sealingKey, (docId) => deliverer.webhookAdded(docId)));

    bus.subscribe((message) => {
      if (message.type === 'delta') deliverer.docChanged(message.delta.docId);
      if (message.type === 'doc' && message.event === 'unpublished') {
        void webhookRecords.deleteWebhooksOf(message.docId).catch((error: unknown) => log.warn({ err: error }, 'deleting an unpublished doc\'s webhooks failed'));
      }
    });
    const sweep = () => void deliverer.sweep().catch((error: unknown) => log.warn({ err: error }, 'webhook sweep failed'));
    const timer = setInterval(sweep, config.webhooks.sweepMs);
    timer.unref();
    app.addHook('onReady', async () => sweep());
    // Before the store closes: attempts under way finish and their leases are released.
    app.addHook('preClose', async () => {
      clearInterval(timer);
      await deliverer.close();
    });
  },
  { name: 'webhooks', dependencies: ['store', 'bus', 'metrics'] },
);
