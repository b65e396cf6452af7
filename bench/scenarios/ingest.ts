// Ingest throughput: single-cell edits a second that a store sustains with several concurrent
// posters (no viewers: this is the store and the HTTP path alone). The embedded SQLite store
// always; Postgres too when the bench is given DATABASE_URL.
import { Harness, startRelay } from '../lib/processes.ts';
import { block, publish } from '../lib/relay-api.ts';
import { round, summarize, Usage, type Summary } from '../lib/stats.ts';

export interface IngestOptions {
  concurrency: number;
  durationMs: number;
  /** Postgres to measure beside SQLite, when set. */
  databaseUrl: string | undefined;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface IngestResultRow {
  store: 'sqlite' | 'postgres';
  concurrency: number;
  editsPerSecond: number;
  done: number;
  failed: number;
  /** ms from posting an edit to its answer. */
  answer: Summary;
  cpuMicrosPerEdit: number;
  utilization: number;
  harnessUtilization: number;
  /** Why the store could not be measured (e.g. this relay does not take DATABASE_URL). */
  error?: string;
}

const ROWS = 100;
const COLUMNS = 10;

async function measure(store: IngestResultRow['store'], env: Record<string, string>, options: IngestOptions, log: (line: string) => void): Promise<IngestResultRow> {
  const relay = await startRelay({ nodeFlags: options.relayFlags, env: { ...options.relayEnv, ...env } });
  const harness = new Harness();
  try {
    const doc = await publish(relay, 'Ingest', block(ROWS, COLUMNS));
    const args = { url: relay.url, doc: { docId: doc.docId, token: doc.ingestKey, viewers: 0 }, concurrency: options.concurrency, columns: COLUMNS, rows: ROWS };
    // A short warm-up, so the measured run is not the JIT's first look at the path.
    await harness.call('ingest', { ...args, durationMs: Math.min(1000, options.durationMs / 4) });
    log(`ingest: ${store}: ${options.concurrency} posters for ${options.durationMs / 1000} s`);
    const before = await relay.stats();
    const result = await harness.call<{ done: number; failed: number; seconds: number; latencies: number[]; harnessUtilization: number }>('ingest', { ...args, durationMs: options.durationMs });
    const usage = new Usage();
    usage.add(before, await relay.stats());
    return {
      store,
      concurrency: options.concurrency,
      editsPerSecond: Math.round(result.done / result.seconds),
      done: result.done,
      failed: result.failed,
      answer: summarize(result.latencies),
      cpuMicrosPerEdit: round(usage.cpuMicros / Math.max(1, result.done)),
      utilization: usage.utilization,
      harnessUtilization: result.harnessUtilization,
    };
  } finally {
    await harness.stop();
    await relay.stop();
  }
}

export async function ingest(options: IngestOptions, log: (line: string) => void): Promise<IngestResultRow[]> {
  const rows = [await measure('sqlite', {}, options, log)];
  if (options.databaseUrl) {
    try {
      rows.push(await measure('postgres', { DATABASE_URL: options.databaseUrl }, options, log));
    } catch (error) {
      // A relay that cannot use Postgres says so in one line; the rest of the run still counts.
      const reason = /bad configuration: (.*)/.exec((error as Error).message)?.[1] ?? (error as Error).message.split('\n')[0]!;
      log(`ingest: postgres not measured: ${reason}`);
      const none = summarize([]);
      rows.push({ store: 'postgres', concurrency: options.concurrency, editsPerSecond: 0, done: 0, failed: 0, answer: none, cpuMicrosPerEdit: 0, utilization: 0, harnessUtilization: 0, error: reason });
    }
  }
  return rows;
}
