// buildApp(config) assembles the relay without listening; server.ts listens.
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorStatus, type ErrorCode } from '../protocol/errors.ts';
import { CloseCode } from '../protocol/wire.ts';
import type { Config } from './config.ts';
import type { Clock } from './google/channels.ts';
import { HttpError, isOutage } from './errors.ts';
import { requestId, serializers } from './log.ts';
import auth from './plugins/auth.ts';
import bench from './plugins/bench.ts';
import bus from './plugins/bus.ts';
import docs from './plugins/docs.ts';
import errorTracker from './plugins/error-tracker.ts';
import google from './plugins/google.ts';
import headers from './plugins/headers.ts';
import hub from './plugins/hub.ts';
import limits from './plugins/limits.ts';
import metrics from './plugins/metrics.ts';
import session from './plugins/session.ts';
import store from './plugins/store.ts';
import webhooks from './plugins/webhooks.ts';
import docsRoutes from './routes/docs/index.ts';
import frontRoutes from './routes/front/index.ts';
import googleRoutes from './routes/google/index.ts';
import healthRoutes from './routes/health/index.ts';
import hookRoutes from './routes/hooks/index.ts';
import ingestRoutes from './routes/ingest/index.ts';
import liveRoutes from './routes/live/index.ts';
import dataRoutes from './routes/data/index.ts';
import sharesRoutes from './routes/shares/index.ts';
import viewRoutes from './routes/view/index.ts';
import webhookRoutes from './routes/webhooks/index.ts';

export interface BuildOptions {
  /** A pino destination or `false`; defaults to stdout at the configured level. */
  logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
  /** The clock Drive channel renewal goes by (tests move it); the system clock by default. */
  clock?: Clock;
}

/** Fastify's own error codes that are the client's fault, in the spec's words. */
const FASTIFY_ERRORS: Partial<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_BAD_URL: 'invalid_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** What a client is told to wait when the database or Redis is away. */
const OUTAGE_RETRY_S = 5;

/** The spec's error shape, with the code's status unless Fastify chose a more precise 4xx. */
function sendError(reply: FastifyReply, code: ErrorCode, message: string, status: number = ErrorStatus[code]) {
  return reply.code(status).send({ error: { code, message } });
}

/** The one error path: a route's refusal, a failed schema, Fastify's own client errors and faults. */
function answerError(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) return sendError(reply, error.code, error.message);
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    return sendError(reply, 'invalid_request', `${where}${error.message.replace(/^(body|params|querystring)/, '')}`);
  }
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return sendError(reply, known, error.message);
  if (error.statusCode && error.statusCode < 500) return sendError(reply, 'bad_request', error.message, error.statusCode);
  const { docId } = (request.params ?? {}) as { docId?: string };
  request.server.errorTracker?.capture(error, { requestId: request.id, docId, route: request.routeOptions.url });
  if (isOutage(error)) {
    request.log.warn({ err: error }, 'request failed: the database or Redis is not answering');
    reply.header('retry-after', OUTAGE_RETRY_S);
    return sendError(reply, 'unavailable', 'the relay cannot reach its database just now; try again shortly');
  }
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, 'internal', 'the relay failed to handle this request');
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger === false ? false : { level: config.logLevel, serializers, ...(typeof options.logger === 'object' ? options.logger : {}) };
  const { trustProxy } = config;
  const app = Fastify({
    logger,
    genReqId: requestId,
    bodyLimit: config.limits.bodyBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A count trusts that many hops nearest the relay; the client is the address before them.
    // A body (or headers) that never arrives is answered 408 and closed, checked a few times a timeout.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(config.requestTimeoutMs / 4))) },
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    // Bodies are taken as sent: no coercion, no silently dropped fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Errors the router raises before any route (a malformed URL, an over-long path segment).
    frameworkErrors: answerError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every body is JSON (the Drive webhook takes its own): text/plain is refused with 415, not parsed and refused as invalid.
  app.removeContentTypeParser('text/plain');
  app.server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
  app.server.maxConnections = config.maxConnections;
  app.decorate('config', config);
  // A request answered while the relay closes ends its connection: left idle on keep-alive, it
  // would hold the close open until the keep-alive timeout (Fastify's 72 s).
  let closing = false;
  app.addHook('preClose', async () => void (closing = true));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler(answerError);
  app.setNotFoundHandler((request, reply) => sendError(reply, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));

  await app.register(headers);
  await app.register(errorTracker);
  await app.register(metrics);
  await app.register(store, { config });
  await app.register(bus);
  await app.register(limits);
  await app.register(hub);
  await app.register(docs);
  await app.register(auth);
  await app.register(session);
  await app.register(google, { clock: options.clock });
  await app.register(webhooks);
  await app.register(websocket, {
    options: { maxPayload: 4096 },
    // The hub already closed the viewers it knows with 1001; this catches sockets mid-join.
    preClose(done) {
      for (const client of app.websocketServer.clients) client.close(CloseCode.GoingAway, 'server shutting down');
      app.websocketServer.close(() => done());
    },
  });
  await app.register(healthRoutes);
  await app.register(docsRoutes);
  await app.register(ingestRoutes);
  await app.register(sharesRoutes);
  await app.register(dataRoutes);
  await app.register(liveRoutes);
  await app.register(viewRoutes);
  await app.register(googleRoutes);
  await app.register(webhookRoutes);
  await app.register(frontRoutes);
  await app.register(hookRoutes);
  if (config.bench) await app.register(bench);
  return app;
}
