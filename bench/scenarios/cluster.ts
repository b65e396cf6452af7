// Three relays on one Postgres and one Redis, beside one relay on the same Postgres and Redis,
// in the same run: one doc each, the same number of viewers (spread evenly over the three),
// edits posted to the first relay and alternating between the two set-ups, ms from the POST to
// the last viewer's receipt. The three relays' delta reaches two of them through Redis; each
// serves a third of the sockets. Then churn: while edits stream through the first relay, the
// third stops (its viewers resume on the second) and a fourth starts and takes new viewers.
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
  churnViewers: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface ClusterRow {
  setup: 'one relay' | 'three relays';
  viewers: number;
  last: Summary;
  delivery: Summary;
}

export interface ChurnResult {
  viewers: number;
  /** Viewers of the relay that left that resumed on another, and how long each move took (ms). */
  resumed: number;
  resume: Summary;
  /** Over every viewer: seqs skipped or given twice (both should be 0), and whether all reached the last seq. */
  gaps: number;
  repeats: number;
  caughtUp: boolean;
  /** ms for the leaving relay to stop, the joining one to be ready, and its new viewers to connect. */
  leaveMs: number;
  joinReadyMs: number;
  joinConnectMs: number;
  edits: number;
}

export interface ClusterResult {
  rows: ClusterRow[];
  churn?: ChurnResult;
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
  const harnesses = [new Harness(), new Harness(), new Harness(), new Harness()];
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
    await Promise.all(harnesses.slice(0, 2).map((h) => h.call('closeAll', {})));
    const churn = await churnRun(three, started, harnesses[2]!, harnesses[3]!, env, options, log);
    return { rows, churn, threeToOneP50: round(three_.last.p50 / one.last.p50), threeToOneP99: round(three_.last.p99 / one.last.p99) };
  } finally {
    await Promise.all(harnesses.map((h) => h.stop()));
    await Promise.all(started.map((r) => r.stop()));
  }
}

/** Edits stream through the first relay; the third leaves, a fourth joins; every viewer is counted. */
async function churnRun(
  three: RelayTarget[],
  started: RelayTarget[],
  followers: Harness,
  joiners: Harness,
  env: Record<string, string>,
  options: ClusterOptions,
  log: (line: string) => void,
): Promise<ChurnResult> {
  const [first, second, leaving] = three as [RelayTarget, RelayTarget, RelayTarget];
  const doc = await publish(first, 'Cluster churn', 'A1:C3');
  log(`cluster: churn: ${options.churnViewers} viewers on the relay that will leave`);
  await followers.call('follow', { url: leaving.url, fallback: second.url, share: doc.shareId, count: options.churnViewers, concurrency: options.concurrency });
  let edits = 0;
  let streaming = true;
  const stream = (async () => {
    for (; streaming; edits++) {
      const response = await fetch(`${first.url}/v1/docs/${doc.docId}/edits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${doc.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ batchId: `churn-${edits}`, at: Date.now(), edits: [{ sheet: 'Sheet1', range: 'A1', values: [[`c${edits}`]] }] }),
      });
      if (!response.ok) throw new Error(`churn edit refused: ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await sleep(1_000);
  log('cluster: churn: a relay leaves');
  let t = performance.now();
  await leaving.stop();
  started.splice(started.indexOf(leaving), 1);
  const leaveMs = performance.now() - t;
  await sleep(1_000);
  log('cluster: churn: a relay joins');
  t = performance.now();
  const joined = await startRelay({ nodeFlags: options.relayFlags, env });
  started.push(joined);
  const joinReadyMs = performance.now() - t;
  t = performance.now();
  await joiners.call('connect', { client: 'ws', url: joined.url, shares: [doc.shareId], perShare: options.churnViewers, concurrency: options.concurrency });
  const joinConnectMs = performance.now() - t;
  await sleep(1_000);
  streaming = false;
  await stream;
  await sleep(1_000); // the last edits reach everyone
  const state = await followers.call<{ lastSeqs: number[]; gaps: number; repeats: number; resumedMs: number[] }>('followers', {});
  return {
    viewers: options.churnViewers,
    resumed: state.resumedMs.length,
    resume: summarize(state.resumedMs),
    gaps: state.gaps,
    repeats: state.repeats,
    caughtUp: state.lastSeqs.every((seq) => seq === edits),
    leaveMs: round(leaveMs),
    joinReadyMs: round(joinReadyMs),
    joinConnectMs: round(joinConnectMs),
    edits,
  };
}
