// Request rate limits by @fastify/rate-limit (SPEC.md, "Operations"): every client address has a
// budget of requests a minute, and each doc's ingest routes one of their own, in requests and in
// bytes of values (limits-bytes.ts). With REDIS_URL the counts live in Redis, so a client meets
// one budget however many relays it reaches.
import { createHash } from 'node:crypto';
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createClient } from 'redis';
import type { RangeFormatChange, RangeValues, SharedRange } from '../../protocol/wire.ts';
import { fail } from '../errors.ts';
import { localByteBudget, redisByteBudget, valueBytes, type RedisEval } from './limits-bytes.ts';

const MINUTE_MS = 60_000;
// One fixed window per key: the first request of a window sets its expiry.
const COUNT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

type Done = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A rate-limit store on Redis (the plugin's own expects ioredis; the relay speaks node-redis). */
async function redisStore(url: string, namespace: string, onError: (error: Error) => void): Promise<{ Store: FastifyRateLimitStoreCtor; client: RedisEval; prefix: string; close(): Promise<void> }> {
  // While Redis is away a count fails at once (and the request goes on) instead of waiting in a queue.
  const client = createClient({ url, disableOfflineQueue: true });
  client.on('error', onError);
  await client.connect();
  const make = (prefix: string): FastifyRateLimitStore => ({
    incr(key: string, done: Done, timeWindow: number) {
      client
        .eval(COUNT, { keys: [prefix + key], arguments: [String(timeWindow)] })
        .then((reply) => {
          const [current, ttl] = reply as [number, number];
          done(null, { current, ttl });
        }, done);
    },
    child: (route) => make(`${prefix}${route.method}${route.url}:`),
  });
  return {
    client,
    prefix: `sheetcast:limit:${namespace}:`,
    Store: class {
      constructor() {
        return make(`sheetcast:limit:${namespace}:`);
      }
    } as unknown as FastifyRateLimitStoreCtor,
    close: async () => void (await client.quit().catch(() => {})),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The ingest routes' preHandler: each doc's budget of edits and snapshots, and of their bytes, a minute. */
    limitIngest(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

/** An ingest route's budget is its doc's, shared by whoever holds the doc's key; a wrong key spends only its own. */
export function ingestKeyOf(request: FastifyRequest): string {
  const { docId } = request.params as { docId: string };
  const bearer = createHash('sha256').update(request.headers.authorization ?? '').digest('base64url').slice(0, 16);
  return `${docId}:${bearer}`;
}

export default fp(
  async (app) => {
    const { config } = app;
    const hits = app.metrics.limits;
    // The relays of one deployment share a database: they count together, apart from any other on this Redis.
    const namespace = createHash('sha256').update(config.databaseUrl ?? config.dataPath).digest('base64url').slice(0, 12);
    const redis = config.redisUrl ? await redisStore(config.redisUrl, namespace, (error) => app.log.warn({ err: error }, 'Redis for rate limits')) : null;
    if (redis) app.addHook('onClose', redis.close);
    await app.register(rateLimit, {
      global: true,
      max: config.rates.requestsPerMinute,
      timeWindow: MINUTE_MS,
      keyGenerator: (request) => request.ip,
      ...(redis ? { store: redis.Store } : {}),
      // Redis away: requests go on unlimited (and /readyz says 503) rather than all failing.
      skipOnError: true,
      onExceeded: () => hits.refused('address'),
      errorResponseBuilder: (_request, context) => fail('rate_limited', `too many requests: try again in ${context.after}`),
    });
    // Its own check, not a second hook: the plugin runs one limit per request, and ingest has two.
    const ingest = app.createRateLimit({ max: config.rates.ingestPerDocPerMinute, timeWindow: MINUTE_MS, keyGenerator: ingestKeyOf });
    const bytes = redis
      ? redisByteBudget(redis.client, `${redis.prefix}bytes:`, config.rates.ingestBytesPerDocPerMinute, MINUTE_MS)
      : localByteBudget(config.rates.ingestBytesPerDocPerMinute, MINUTE_MS);
    app.decorate('limitIngest', async (request: FastifyRequest, reply: FastifyReply) => {
      const spent = await ingest(request);
      if (!spent.isAllowed && spent.isExceeded) {
        hits.refused('ingest');
        reply.header('retry-after', spent.ttlInSeconds);
        throw fail('rate_limited', `too many edits to this doc: try again in ${spent.ttlInSeconds} s`);
      }
      const body = request.body as { edits?: RangeValues[]; ranges?: SharedRange[]; formats?: RangeFormatChange[] };
      // Formats count as their JSON: a format-only stream of changes spends the budget too.
      const formats = [...(body.formats ?? []), ...(body.ranges ?? [])].reduce((n, r) => n + ('format' in r && r.format ? JSON.stringify(r.format).length : 0), 0);
      const size = valueBytes(body.edits ?? body.ranges) + formats;
      // Redis away: taken unlimited, as the request counts are.
      const taken = await bytes.spend(ingestKeyOf(request), size).catch((error: Error) => {
        request.log.warn({ err: error }, 'Redis for rate limits');
        return { allowed: true, ttlMs: 0 };
      });
      if (taken.allowed) return;
      const seconds = Math.max(1, Math.ceil(taken.ttlMs / 1000));
      hits.refused('ingest_bytes');
      reply.header('retry-after', seconds);
      throw fail('rate_limited', `too many bytes of edits to this doc: try again in ${seconds} s`);
    });
  },
  { name: 'limits', dependencies: ['metrics', 'bus'] },
);
