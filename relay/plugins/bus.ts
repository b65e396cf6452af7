import fp from 'fastify-plugin';
import type { Bus } from '../bus/bus.ts';
import { LocalBus } from '../bus/local.ts';

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus;
  }
}

export default fp(
  async (app) => {
    const bus = new LocalBus();
    app.decorate('bus', bus);
    app.addHook('onClose', async () => bus.close());
  },
  { name: 'bus' },
);
