// Many small docs, the usual shape: lots of scoreboards with a few viewers each, edits spread
// across them at a steady rate. Relay CPU time per delivered frame shows the per-doc overhead.
import { Harness, startRelay } from '../lib/processes.ts';
import { publishMany } from '../lib/relay-api.ts';
import { round, summarize, Usage, type Summary } from '../lib/stats.ts';

export interface ManyDocsOptions {
  docs: number;
  viewersPerDoc: number;
  rate: number;
  durationMs: number;
  settleMs: number;
  concurrency: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface ManyDocsResult {
  docs: number;
  viewersPerDoc: number;
  rate: number;
  edits: number;
  /** Edits that lost a last-writer-wins race to a concurrent edit of the same cell: nothing to send. */
  superseded: number;
  lost: number;
  deliveries: number;
  /** ms from posting an edit to each viewer's receipt. */
  delivery: Summary;
  /** ms from posting an edit to the last of its doc's viewers. */
  last: Summary;
  cpuMicrosPerFrame: number;
  utilization: number;
  harnessUtilization: number;
}

export async function manyDocs(options: ManyDocsOptions, log: (line: string) => void): Promise<ManyDocsResult> {
  const relay = await startRelay({ nodeFlags: options.relayFlags, env: options.relayEnv });
  const harness = new Harness();
  try {
    log(`many docs: publishing ${options.docs} docs`);
    const docs = await publishMany(relay, options.docs, 'A1:C3');
    log(`many docs: connecting ${options.viewersPerDoc} viewers to each`);
    await harness.call('connect', { client: 'ws', url: relay.url, shares: docs.map((d) => d.shareId), perShare: options.viewersPerDoc, concurrency: options.concurrency });
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));

    log(`many docs: ${options.rate} edits/s for ${options.durationMs / 1000} s`);
    const before = await relay.stats();
    // Shuffled once, so consecutive edits land on unrelated docs.
    const targets = docs.map((d) => ({ docId: d.docId, token: d.ingestKey, viewers: options.viewersPerDoc })).sort(() => Math.random() - 0.5);
    const result = await harness.call<{ edits: number; superseded: number; lost: number; deliveries: number[]; lastMs: number[]; harnessUtilization: number }>('steady', {
      url: relay.url,
      docs: targets,
      rate: options.rate,
      durationMs: options.durationMs,
    });
    const after = await relay.stats();
    const usage = new Usage();
    usage.add(before, after);
    return {
      docs: options.docs,
      viewersPerDoc: options.viewersPerDoc,
      rate: options.rate,
      edits: result.edits,
      superseded: result.superseded,
      lost: result.lost,
      deliveries: result.deliveries.length,
      delivery: summarize(result.deliveries),
      last: summarize(result.lastMs),
      cpuMicrosPerFrame: round(usage.cpuMicros / Math.max(1, result.deliveries.length)),
      utilization: usage.utilization,
      harnessUtilization: result.harnessUtilization,
    };
  } finally {
    await harness.stop();
    await relay.stop();
  }
}
