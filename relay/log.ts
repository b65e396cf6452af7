// Logging that keeps secrets out: share ids are capabilities, so URLs are logged without them,
// and no header (Authorization carries tokens and ingest keys) is logged at all.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

const SHARE_IN_PATH = /^(\/+(?:view|v1\/+shares)\/+)([^/?#]+)/i;
/** Query values that are secrets: share ids (capabilities), OAuth's one-use code and state, and a sign-in's return path (it holds a share id). */
const SECRET_PARAMS = new Set(['share', 'code', 'state', 'return']);
const PARAM = /([?&;])([^=&#;]*)(=?)([^&#;]*)/g;

function mask(id: string): string {
  return id.length > 4 ? `${id.slice(0, 4)}…` : '…';
}

/** A parameter's name as the query parser reads it (`%73hare`, `SHARE` and `share` are one to a reader). */
function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const [path, query] = q === -1 ? [url, ''] : [url.slice(0, q), url.slice(q)];
  return (
    path.replace(SHARE_IN_PATH, (_, p: string, id: string) => p + mask(id)) +
    // Every occurrence: a repeated or encoded parameter name must not carry the value past.
    query.replace(PARAM, (all, sep: string, name: string, eq: string, value: string) => {
      const secret = paramName(name);
      if (!SECRET_PARAMS.has(secret)) return all;
      return `${sep}${name}${eq}${secret === 'share' ? mask(value) : '…'}`;
    })
  );
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
