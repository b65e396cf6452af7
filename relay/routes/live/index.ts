// The live socket: `GET /v1/live?share=<shareId>[&epoch=E&seq=N]`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIVE_PATH } from '../../../protocol/wire.ts';
import { LiveQuery } from '../../../protocol/live.ts';
import { fail } from '../../errors.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: LIVE_PATH,
    schema: { querystring: LiveQuery },
    // A plain GET is refused in the API's words, not with an empty 404.
    handler: async () => {
      throw fail('invalid_request', 'the live API is a WebSocket: connect with Upgrade: websocket');
    },
    wsHandler: async (socket, request) => {
      const { share, epoch, seq } = request.query;
      const resume = epoch !== undefined && seq !== undefined ? { epoch: Number(epoch), seq: Number(seq) } : null;
      // Restricted shares admit a viewer by the verified email of their session cookie.
      await app.hub.join(socket, share, request.ip, resume, app.sessions.readForSocket(request)?.email ?? null);
    },
  });
};

export default routes;
