// Ingest to viewer: one doc with a hundred viewers, edits at a steady rate; the relay beside a
// bare ws server doing the same in the same run.
import { Harness, startComparison, startRelay, type Target } from '../lib/processes.ts';
import { publish } from '../lib/relay-api.ts';
import { summarize, Usage, type Summary } from '../lib/stats.ts';

export interface LatencyOptions {
  viewers: number;
  rate: number;
  durationMs: number;
  settleMs: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface LatencyRow {
  server: Target['name'];
  viewers: number;
  rate: number;
  edits: number;
  /** Edits that lost a last-writer-wins race to a concurrent edit of the same cell: nothing to send. */
  superseded: number;
  lost: number;
  /** ms from posting an edit to the last viewer's receipt. */
  last: Summary;
  /** ms from posting an edit to each viewer's receipt. */
  delivery: Summary;
  utilization: number;
  harnessUtilization: number;
}

export async function latency(options: LatencyOptions, log: (line: string) => void): Promise<LatencyRow[]> {
  const relay = await startRelay({ nodeFlags: options.relayFlags, env: options.relayEnv });
  const bare = await startComparison('bare-ws');
  const harnesses: Harness[] = [];
  try {
    const published = await publish(relay, 'Latency', 'A1:C3');
    const rows: LatencyRow[] = [];
    for (const target of [relay, bare]) {
      const harness = new Harness();
      harnesses.push(harness);
      const doc = target === relay ? { docId: published.docId, token: published.ingestKey, share: published.shareId } : { docId: 'latency', token: 'none', share: 'latency' };
      await harness.call('connect', { client: 'ws', url: target.url, shares: [doc.share], perShare: options.viewers, concurrency: 50 });
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      log(`ingest to viewer: ${target.name}: ${options.rate} edits/s for ${options.durationMs / 1000} s to ${options.viewers} viewers`);
      const before = await target.stats();
      const result = await harness.call<{ edits: number; superseded: number; lost: number; deliveries: number[]; lastMs: number[]; harnessUtilization: number }>('steady', {
        url: target.url,
        docs: [{ docId: doc.docId, token: doc.token, viewers: options.viewers }],
        rate: options.rate,
        durationMs: options.durationMs,
      });
      const usage = new Usage();
      usage.add(before, await target.stats());
      rows.push({
        server: target.name,
        viewers: options.viewers,
        rate: options.rate,
        edits: result.edits,
        superseded: result.superseded,
        lost: result.lost,
        last: summarize(result.lastMs),
        delivery: summarize(result.deliveries),
        utilization: usage.utilization,
        harnessUtilization: result.harnessUtilization,
      });
      await harness.call('closeAll', {});
    }
    return rows;
  } finally {
    await Promise.all(harnesses.map((h) => h.stop()));
    await Promise.all([relay.stop(), bare.stop()]);
  }
}
