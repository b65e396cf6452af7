import fp from 'fastify-plugin';
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
    const bus: Bus = url
      ? await RedisBus.open(url, (error) => app.log.error({ err: error }, 'Redis bus')).catch((error: Error) => {
          throw new ConfigError('REDIS_URL', `cannot use Redis: ${error.message}`);
        })
      : new LocalBus();
    app.decorate('bus', bus);
    app.addHook('onClose', async () => bus.close());
  },
  { name: 'bus' },
);
