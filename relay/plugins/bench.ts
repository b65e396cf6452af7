// Opt-in (SHEETCAST_BENCH=1) process figures for `npm run bench`: CPU time, event-loop
// utilization and memory, on a loopback-only route. Never enabled in production.
import { performance } from 'node:perf_hooks';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { StatsQuery } from '../../protocol/http.ts';
import { fail } from '../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const bench: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/debug/stats', { schema: { querystring: StatsQuery } }, async (request) => {
    // The socket's own address, never X-Forwarded-For: only this machine may ask.
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw fail('not_found', 'no route for GET /debug/stats');
    // Started with --expose-gc, `?gc=1` measures live memory rather than garbage.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (request.query.gc === '1' && gc) gc();
    const { idle, active } = performance.eventLoopUtilization();
    return { cpu: process.cpuUsage(), elu: { idle, active }, memory: process.memoryUsage(), gc: Boolean(gc) };
  });
};

export default fp(bench, { name: 'bench' });
