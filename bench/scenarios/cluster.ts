// Three relays on one Postgres and one Redis, beside one relay on the same Postgres and Redis,
// in the same run: one doc each, the same number of viewers (spread evenly over the three),
// edits posted to the first relay and alternating between the two set-ups, ms from the POST to
// the last viewer's receipt. The three relays' delta reaches two of them through Redis; each
// serves a third of the sockets.
import { Harness, startRelay, type RelayTarget } from '../lib/processes.ts';
import { publish } from '../lib/relay-api.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface ClusterOptions {
  viewers: number;
  edits: number;
  warmup: number;
  settleMs: number;
  concurrency: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface ClusterRow {
  setup: 'one relay' | 'three relays';
  viewers: number;
  last: Summary;
  delivery: Summary;
}

export interface ClusterResult {
  rows: ClusterRow[];
  /** Three relays' p50 and p99 to the last viewer over one relay's. */
  threeToOneP50: number;
  threeToOneP99: number;
  error?: string;
}

export async function cluster(options: ClusterOptions, log: (line: string) => void): Promise<ClusterResult> {
  if (!options.databaseUrl || !options.redisUrl) {
    const error = 'needs DATABASE_URL and REDIS_URL (the relays share them)';
    log(`cluster: not measured: ${error}`);
    return { rows: [], threeToOneP50: 0, threeToOneP99: 0, error };
  }
  const env = { ...options.relayEnv, DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl };
  const started: RelayTarget[] = [];
  const harnesses = [new Harness(), new Harness()];
  try {
    for (let i = 0; i < 4; i++) started.push(await startRelay({ nodeFlags: options.relayFlags, env }));
    const [single, ...three] = started as [RelayTarget, ...RelayTarget[]];
    const setups = [
      { setup: 'one relay' as const, relays: [single], harness: harnesses[0]!, doc: await publish(single, 'Cluster bench (one)', 'A1:C3') },
      { setup: 'three relays' as const, relays: three, harness: harnesses[1]!, doc: await publish(three[0]!, 'Cluster bench (three)', 'A1:C3') },
    ];
    for (const s of setups) {
      for (const [i, relay] of s.relays.entries()) {
        const share = Math.floor(options.viewers / s.relays.length) + (i < options.viewers % s.relays.length ? 1 : 0);
        log(`cluster: ${s.setup}: ${share} viewers on ${relay.url}`);
        await s.harness.call('connect', { client: 'ws', url: relay.url, shares: [s.doc.shareId], perShare: share, concurrency: options.concurrency });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const samples = setups.map(() => ({ last: [] as number[], delivery: [] as number[] }));
    for (let i = 0; i < options.warmup + options.edits; i++) {
      for (const [k, s] of setups.entries()) {
        const doc = { docId: s.doc.docId, token: s.doc.ingestKey, viewers: options.viewers };
        const result = await s.harness.call<{ lastMs: number; deliveries: number[] }>('edit', { url: s.relays[0]!.url, doc });
        if (i < options.warmup) continue;
        samples[k]!.last.push(result.lastMs);
        samples[k]!.delivery.push(...result.deliveries);
      }
    }
    const rows = setups.map((s, k) => ({ setup: s.setup, viewers: options.viewers, last: summarize(samples[k]!.last), delivery: summarize(samples[k]!.delivery) }));
    const [one, three_] = rows as [ClusterRow, ClusterRow];
    return { rows, threeToOneP50: round(three_.last.p50 / one.last.p50), threeToOneP99: round(three_.last.p99 / one.last.p99) };
  } finally {
    await Promise.all(harnesses.map((h) => h.stop()));
    await Promise.all(started.map((r) => r.stop()));
  }
}
