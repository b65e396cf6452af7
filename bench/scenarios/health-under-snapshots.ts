// Health under snapshot GETs: how long `/healthz` takes while many clients read a large doc's
// snapshot over HTTP at once, against the same relay idle. Each snapshot GET that the relay
// reads and serializes on its own holds its event loop, and so every other request, for as long.
// The readers run in a process of their own (snapshot-readers.ts), the probes here.
import { runNode } from '../../scripts/lib/relay-process.ts';
import { startRelay } from '../lib/processes.ts';
import { block, publish } from '../lib/relay-api.ts';
import { round, summarize, Usage, type Summary } from '../lib/stats.ts';

export interface HealthOptions {
  /** Clients reading the snapshot, each again as soon as it has the last one. */
  readers: number;
  /** Bytes of values in the doc, in MB (10⁶). */
  megabytes: number;
  durationMs: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface HealthResult {
  readers: number;
  snapshotBytes: number;
  /** /healthz round trips, ms: the relay idle, then under the readers. */
  idle: Summary;
  loaded: Summary;
  /** Snapshot GETs answered 200 (and refused with 503) while loaded, and how many a second. */
  gets: number;
  refused: number;
  getsPerSecond: number;
  /** The relay's event-loop utilization and CPU (of which in the kernel, sending) while loaded. */
  relayUtilization: number;
  relayCpuShare: number;
  relayKernelShare: number;
  ratioP50: number;
  ratioP99: number;
}

const COLUMNS = 100;
const CELL_CHARS = 100;
const PROBE_GAP_MS = 20;

/** /healthz round trips one after another, `PROBE_GAP_MS` apart, until `until` says stop. */
async function probe(url: string, until: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!until()) {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.text();
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_GAP_MS));
  }
  return times;
}

export async function healthUnderSnapshots(options: HealthOptions, log: (line: string) => void): Promise<HealthResult> {
  const rows = Math.ceil((options.megabytes * 1e6) / (COLUMNS * CELL_CHARS));
  const relay = await startRelay({
    nodeFlags: options.relayFlags,
    // The doc is filled with one request of its whole size.
    env: {
      SHEETCAST_MAX_BODY_BYTES: String(1024 * 1024 * 1024),
      SHEETCAST_INGEST_BYTES_PER_MINUTE: String(1024 * 1024 * 1024),
      SHEETCAST_MAX_CELLS_PER_REQUEST: String(rows * COLUMNS),
      ...options.relayEnv,
    },
  });
  try {
    const range = block(rows, COLUMNS);
    const doc = await publish(relay, 'Large', range);
    const values = Array.from({ length: rows }, (_, r) => Array.from({ length: COLUMNS }, (_, c) => `r${r}c${c}`.padEnd(CELL_CHARS, '.')));
    const filled = await fetch(`${relay.url}/v1/docs/${doc.docId}/snapshot`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${doc.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: `fill-${Date.now()}`, at: Date.now(), ranges: [{ sheet: 'Sheet1', range, values }] }),
    });
    if (!filled.ok) throw new Error(`filling the doc: ${filled.status} ${await filled.text()}`);
    const snapshotUrl = `${relay.url}/v1/shares/${doc.shareId}/snapshot`;
    const snapshotBytes = (await (await fetch(snapshotUrl)).arrayBuffer()).byteLength;

    log(`health: /healthz idle, then under ${options.readers} readers of a ${(snapshotBytes / 1e6).toFixed(1)} MB snapshot`);
    const idleEnds = Date.now() + options.durationMs / 2;
    const idle = await probe(relay.url, () => Date.now() >= idleEnds);

    const before = await relay.stats();
    const started = Date.now();
    const readers = runNode(['bench/scenarios/snapshot-readers.ts', snapshotUrl, String(options.readers), String(options.durationMs)], {});
    const loadedEnds = started + options.durationMs;
    const loaded = await probe(relay.url, () => Date.now() >= loadedEnds);
    const usage = new Usage();
    usage.add(before, await relay.stats());
    const seconds = (Date.now() - started) / 1000;
    if ((await readers.exited) !== 0) throw new Error(`snapshot readers failed:\n${readers.output()}`);
    const { gets, refused } = JSON.parse(readers.output()) as { gets: number; refused: number };
    const [idleSummary, loadedSummary] = [summarize(idle), summarize(loaded)];
    return {
      readers: options.readers,
      snapshotBytes,
      idle: idleSummary,
      loaded: loadedSummary,
      gets,
      refused,
      getsPerSecond: round(gets / seconds, 1),
      relayUtilization: usage.utilization,
      relayCpuShare: round(usage.cpuMicros / 1e6 / seconds, 2),
      relayKernelShare: usage.systemShare,
      ratioP50: round(loadedSummary.p50 / Math.max(idleSummary.p50, 0.01), 1),
      ratioP99: round(loadedSummary.p99 / Math.max(idleSummary.p99, 0.01), 1),
    };
  } finally {
    await relay.stop();
  }
}

export function renderHealth(h: HealthResult): string {
  return [
    '',
    `/healthz under snapshot GETs: ${h.readers} clients reading a ${(h.snapshotBytes / 1e6).toFixed(1)} MB snapshot over and over (ms)`,
    `  idle      p50 ${h.idle.p50}  p99 ${h.idle.p99}  max ${h.idle.max}  (${h.idle.n} probes)`,
    `  loaded    p50 ${h.loaded.p50}  p99 ${h.loaded.p99}  max ${h.loaded.max}  (${h.loaded.n} probes)`,
    `  loaded/idle: p50 ×${h.ratioP50}, p99 ×${h.ratioP99}; snapshot GETs answered ${h.gets} (${h.getsPerSecond}/s), refused 503: ${h.refused}`,
    `  relay while loaded: event loop busy ${Math.round(h.relayUtilization * 100)}%, CPU ${h.relayCpuShare} cores (${Math.round(h.relayKernelShare * 100)}% in the kernel)`,
    '',
  ].join('\n');
}
