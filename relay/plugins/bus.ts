import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { Bus } from '../bus/bus.ts';
import { LocalBus } from '../bus/local.ts';
import { RedisBus } from '../bus/redis.ts';
import { ConfigError } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus;
  }
}

export default fp(
  async (app) => {
    const url = app.config.redisUrl;
    const received = new Counter({
      name: 'sheetcast_bus_messages_received_total',
      help: "Messages from other relays by type: deltas only of docs with viewers here",
      labelNames: ['type'] as const,
      registers: [app.metrics.registry],
    });
    const bus: Bus = url
      ? await RedisBus.open(url, (error) => app.log.error({ err: error }, 'Redis bus'), (type) => received.inc({ type })).catch((error: Error) => {
          throw new ConfigError('REDIS_URL', `cannot use Redis: ${error.message}`);
        })
      : new LocalBus();
    app.decorate('bus', bus);
    app.addHook('onClose', async () => bus.close());
  },
  { name: 'bus', dependencies: ['metrics'] },
);
