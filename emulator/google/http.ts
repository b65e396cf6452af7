// The emulator's HTTP plumbing: one node:http server, routes matched by method and a regular
// expression (Google's paths carry colons, as in `values:batchGet`), bodies read as Google's
// clients send them (form-encoded for OAuth, JSON for the APIs).

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Query parameters, then form-body parameters (the OAuth endpoints accept either). */
  params: URLSearchParams;
  /** The parsed body when it was JSON. */
  json: unknown;
  /** The `Authorization: Bearer` credential, if any. */
  bearer: string | null;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(request: EmulatorRequest, match: string[]): Reply | Promise<Reply>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
};

/** Google's API error shape, `{error: {code, message, status}}`. */
export function apiError(code: number, message: string, extra: object = {}): Reply {
  return { status: code, body: { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', ...extra } } };
}

/** The OAuth endpoints' error shape, `{error, error_description}`. */
export function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

export function json(body: object, headers: Record<string, string> = {}): Reply {
  return { status: 200, headers, body };
}

export function html(status: number, page: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location } };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function toEmulatorRequest(request: IncomingMessage): Promise<EmulatorRequest> {
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const params = new URLSearchParams(url.searchParams);
  const text = await readBody(request);
  const type = request.headers['content-type'] ?? '';
  let body: unknown = undefined;
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(text)) params.append(key, value);
  } else if (type.includes('application/json') && text !== '') {
    body = JSON.parse(text);
  }
  const authorization = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null;
  return { method: request.method ?? 'GET', url, headers: request.headers, params, json: body, bearer };
}

function send(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
  let body = '';
  if (typeof reply.body === 'string') body = reply.body;
  else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body, null, 2);
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  response.writeHead(reply.status, headers).end(body);
}

/** A request listener that serves `routes`; 404 in Google's shape for anything else. */
export function router(routes: Route[]) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let reply: Reply;
    try {
      const req = await toEmulatorRequest(request);
      reply = apiError(404, `The requested URL ${req.url.pathname} was not found on this server.`);
      for (const route of routes) {
        const match = route.pattern.exec(req.url.pathname);
        if (!match) continue;
        if (route.method !== req.method) {
          reply = apiError(405, `Method ${req.method} not allowed on ${req.url.pathname}.`);
          continue;
        }
        reply = await route.handle(req, match.slice(1).map((part) => decodeURIComponent(part)));
        break;
      }
    } catch (error) {
      if (error instanceof SyntaxError) reply = apiError(400, `Invalid JSON payload received. ${error.message}`);
      else if (error instanceof URIError) reply = apiError(400, 'Invalid percent-encoding in the URL path.');
      else reply = apiError(500, String(error));
    }
    send(response, reply);
  };
}
