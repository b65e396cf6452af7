// Prometheus metrics, one registry per app so several relays can live in one process (tests).
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HubMetrics } from '../hub/hub.ts';
import type { IngestMetrics } from '../ingest/ingest.ts';

export interface RelayMetrics {
  registry: Registry;
  hub: HubMetrics;
  ingest: IngestMetrics;
  drive: { channelRenewalFailed(): void };
  /** Requests answered 429 and sockets closed with 4429, by the limit they met. */
  limits: { refused(limit: RefusedBy): void };
}

/** Each limit a request or socket can meet (sheetcast_rate_limited_total's `limit`). */
export type RefusedBy = 'address' | 'ingest' | 'ingest_bytes' | 'socket_address' | 'socket_doc' | 'socket_frames';

// The ingest routes, whose failures the ingest-errors alert watches apart from the rest of HTTP.
const INGEST_ROUTES = new Set(['/v1/docs/:docId/edits', '/v1/docs/:docId/snapshot']);

declare module 'fastify' {
  interface FastifyInstance {
    metrics: RelayMetrics;
  }
}

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'sheetcast_' });
    const registers = [registry];
    const viewers = new Gauge({ name: 'sheetcast_viewers', help: 'Open live views on this instance', registers });
    const docs = new Gauge({ name: 'sheetcast_docs_live', help: 'Docs with viewers on this instance', registers });
    const batches = new Counter({
      name: 'sheetcast_batches_total',
      help: 'Ingested batches by outcome',
      labelNames: ['outcome'] as const,
      registers,
    });
    const applied = new Counter({ name: 'sheetcast_cells_applied_total', help: 'Cells changed by edits', registers });
    const dropped = new Counter({
      name: 'sheetcast_cells_dropped_total',
      help: 'Cells not applied: outside the published ranges, unchanged, or older than stored',
      registers,
    });
    const frames = new Counter({ name: 'sheetcast_frames_sent_total', help: 'Live frames sent to viewers', registers });
    const fanout = new Histogram({
      name: 'sheetcast_fanout_duration_seconds',
      help: 'Time to hand one frame to every viewer of a doc',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const slow = new Counter({
      name: 'sheetcast_slow_consumer_closes_total',
      help: 'Viewers closed with 4408 because they fell behind',
      registers,
    });
    const httpErrors = new Counter({
      name: 'sheetcast_http_errors_total',
      help: 'HTTP responses with a 4xx or 5xx status',
      labelNames: ['status'] as const,
      registers,
    });
    const requests = new Counter({
      name: 'sheetcast_http_requests_total',
      help: 'HTTP responses by status class',
      labelNames: ['class'] as const,
      registers,
    });
    const ingestErrors = new Counter({
      name: 'sheetcast_ingest_errors_total',
      help: 'Edits and snapshots refused or failed, by status',
      labelNames: ['status'] as const,
      registers,
    });
    const limited = new Counter({
      name: 'sheetcast_rate_limited_total',
      help: 'Requests refused with 429 and live sockets closed with 4429, by the limit they met',
      labelNames: ['limit'] as const,
      registers,
    });
    const renewalFailures = new Counter({
      name: 'sheetcast_drive_channel_renewal_failures_total',
      help: 'Drive channel renewals that failed and will be retried',
      registers,
    });
    new Gauge({
      name: 'sheetcast_ready',
      help: '1 when /readyz answers 200 at scrape time, else 0',
      registers,
      // Asks the route itself, so the alert and the load balancer go by one rule.
      async collect() {
        this.set((await app.inject({ url: '/readyz' })).statusCode === 200 ? 1 : 0);
      },
    });

    app.decorate('metrics', {
      registry,
      hub: {
        viewerJoined: () => viewers.inc(),
        viewerLeft: () => viewers.dec(),
        docsLoaded: (count) => docs.set(count),
        fanout: (sent, seconds) => {
          frames.inc(sent);
          fanout.observe(seconds);
        },
        slowConsumerClosed: () => slow.inc(),
        limitClosed: (limit) => limited.inc({ limit: `socket_${limit}` }),
      },
      ingest: {
        batch: (outcome, cellsApplied, cellsDropped) => {
          batches.inc({ outcome });
          applied.inc(cellsApplied);
          dropped.inc(cellsDropped);
        },
      },
      drive: { channelRenewalFailed: () => renewalFailures.inc() },
      limits: { refused: (limit) => limited.inc({ limit }) },
    } satisfies RelayMetrics);

    app.addHook('onResponse', async (request, reply) => {
      const status = String(reply.statusCode);
      requests.inc({ class: `${status[0]}xx` });
      if (reply.statusCode >= 400) httpErrors.inc({ status });
      if (reply.statusCode >= 400 && INGEST_ROUTES.has(request.routeOptions.url ?? '')) ingestErrors.inc({ status });
    });
  },
  { name: 'metrics' },
);
