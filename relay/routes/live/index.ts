// The live socket: `GET /v1/live?share=<shareId>[&epoch=E&seq=N]`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIVE_PATH } from '../../../protocol/wire.ts';
import { LiveQuery } from '../../../protocol/live.ts';
import type { WebSocket } from 'ws';
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
      release(socket);
      const { share, epoch, seq } = request.query;
      const resume = epoch !== undefined && seq !== undefined ? { epoch: Number(epoch), seq: Number(seq) } : null;
      // Restricted shares admit a viewer by the verified email of their session cookie.
      await app.hub.join(socket, share, request.ip, resume, app.sessions.readForSocket(request)?.email ?? null);
    },
  });
};

/**
 * Lets go of the upgrade request once the socket is open. @fastify/websocket's error listener
 * closes over the request and reply, and the TCP socket still points at the stand-in response
 * the plugin routed the upgrade with: together about a third of a viewer's memory, kept for
 * the life of the socket. Errors on an open viewer socket end it, as the plugin's handler did.
 */
function release(socket: WebSocket): void {
  socket.removeAllListeners('error');
  socket.on('error', endOnError);
  const tcp = (socket as unknown as { _socket?: { _httpMessage?: unknown } })._socket;
  if (tcp) tcp._httpMessage = null;
}

function endOnError(this: WebSocket): void {
  this.terminate();
}

export default routes;
