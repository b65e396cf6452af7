// Logging that keeps secrets out: share ids are capabilities, so URLs are logged without them,
// and no header (Authorization carries tokens and ingest keys) is logged at all.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

const SHARE_IN_PATH = /^(\/(?:view|v1\/shares)\/)([^/?#]+)/;
const SHARE_IN_QUERY = /([?&]share=)([^&#]*)/;
/** The OAuth callback's code and state are one-use secrets, and a sign-in's return path holds a share id. */
const OAUTH_IN_QUERY = /([?&](?:code|state|return)=)([^&#]*)/g;

function mask(id: string): string {
  return id.length > 4 ? `${id.slice(0, 4)}…` : '…';
}

export function redactUrl(url: string): string {
  return url
    .replace(SHARE_IN_PATH, (_, p: string, id: string) => p + mask(id))
    .replace(SHARE_IN_QUERY, (_, p: string, id: string) => p + mask(id))
    .replace(OAUTH_IN_QUERY, (_, p: string) => `${p}…`);
}

export const serializers = {
  req(request: FastifyRequest) {
    return { id: request.id, method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
  },
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id (from nginx, say) when it is sane; otherwise makes one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}
