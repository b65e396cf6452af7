// Browsers send Origin with cross-site requests and with every WebSocket handshake: one other than
// the relay's own means another site's page sent it (with the viewer's cookies).
import type { FastifyRequest } from 'fastify';

export const fromOwnOrigin = (request: FastifyRequest, ownOrigin: string): boolean => {
  const origin = request.headers.origin;
  return origin === undefined || origin === ownOrigin;
};
