// Webhook delivery throughput: a burst of single-cell edits on one doc, delivered to each of its
// endpoints (a loopback receiver answering 204) in seq order; deliveries a second, and ms from an
// edit's acknowledgement to its delivery. The embedded store always; Postgres too with DATABASE_URL.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRelay } from '../lib/processes.ts';
import { block, publish } from '../lib/relay-api.ts';
import { round, summarize, Usage, type Summary } from '../lib/stats.ts';

export interface WebhooksOptions {
  /** Endpoints of the doc, one row per count. */
  endpoints: number[];
  edits: number;
  /** Edits in flight at once. */
  concurrency: number;
  databaseUrl: string | undefined;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface WebhooksRow {
  store: 'sqlite' | 'postgres';
  endpoints: number;
  edits: number;
  deliveries: number;
  deliveriesPerSecond: number;
  /** ms from an edit's answer to its delivery, every endpoint. */
  latency: Summary;
  /** Deliveries that arrived out of seq order at an endpoint (must be 0). */
  outOfOrder: number;
  cpuMicrosPerDelivery: number;
  utilization: number;
}

/** A receiver that answers 204 and notes when each endpoint got each seq. */
async function receiver() {
  const arrivals = new Map<string, number[]>();
  let outOfOrder = 0;
  const lastSeq = new Map<string, number>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const { seq } = JSON.parse(body) as { seq: number };
      const endpoint = request.url!;
      if (seq !== (lastSeq.get(endpoint) ?? 0) + 1) outOfOrder++;
      lastSeq.set(endpoint, seq);
      (arrivals.get(endpoint) ?? arrivals.set(endpoint, []).get(endpoint)!)[seq] = performance.now();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, arrivals, outOfOrder: () => outOfOrder, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function call(url: string, token: string, body: unknown): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function measure(store: WebhooksRow['store'], endpoints: number, env: Record<string, string>, options: WebhooksOptions, log: (line: string) => void): Promise<WebhooksRow> {
  const relay = await startRelay({
    nodeFlags: options.relayFlags,
    env: { SHEETCAST_SECRET_KEY: randomBytes(32).toString('base64'), SHEETCAST_WEBHOOKS_ALLOW_PRIVATE: '1', SHEETCAST_WEBHOOKS_PER_DOC: String(endpoints), ...options.relayEnv, ...env },
  });
  const sink = await receiver();
  try {
    // Each edit writes a cell of its own, so none is superseded and every one is a delta.
    const doc = await publish(relay, 'Webhooks', block(options.edits, 1));
    for (let i = 0; i < endpoints; i++) await call(`${relay.url}/v1/docs/${doc.docId}/webhooks`, relay.adminToken, { url: `${sink.base}/hook/${i}` });
    log(`webhooks: ${store}: ${options.edits} edits to ${endpoints} endpoint(s)`);
    const before = await relay.stats();
    const acked: number[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.edits) {
          const n = next++;
          const result = await call(`${relay.url}/v1/docs/${doc.docId}/edits`, doc.ingestKey, { batchId: randomUUID(), at: Date.now(), edits: [{ sheet: 'Sheet1', range: `A${n + 1}`, values: [[`v${n}`]] }] });
          acked[result.seq] = performance.now();
        }
      }),
    );
    const deadline = Date.now() + 120_000;
    const delivered = () => [...sink.arrivals.values()].reduce((sum, seqs) => sum + seqs.filter(Boolean).length, 0);
    while (delivered() < options.edits * endpoints && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const usage = new Usage();
    usage.add(before, await relay.stats());
    const latencies = [...sink.arrivals.values()].flatMap((seqs) => seqs.flatMap((at, seq) => (at && acked[seq] ? [at - acked[seq]!] : [])));
    const last = Math.max(...[...sink.arrivals.values()].flatMap((seqs) => seqs.filter(Boolean)));
    const deliveries = delivered();
    return {
      store,
      endpoints,
      edits: options.edits,
      deliveries,
      deliveriesPerSecond: Math.round(deliveries / ((last - started) / 1000)),
      latency: summarize(latencies),
      outOfOrder: sink.outOfOrder(),
      cpuMicrosPerDelivery: round(usage.cpuMicros / Math.max(1, deliveries)),
      utilization: usage.utilization,
    };
  } finally {
    await sink.close();
    await relay.stop();
  }
}

export async function webhooks(options: WebhooksOptions, log: (line: string) => void): Promise<WebhooksRow[]> {
  const rows: WebhooksRow[] = [];
  const stores: [WebhooksRow['store'], Record<string, string>][] = [['sqlite', {}], ...(options.databaseUrl ? [['postgres', { DATABASE_URL: options.databaseUrl }] as [WebhooksRow['store'], Record<string, string>]] : [])];
  for (const [store, env] of stores) for (const endpoints of options.endpoints) rows.push(await measure(store, endpoints, env, options, log));
  return rows;
}
