// Fan-out: one doc, growing numbers of viewers, on the relay, a bare ws server and a Socket.IO
// server in the same run. Edits alternate between the three servers so that whatever else the
// machine is doing weighs on each alike; each server's harness is idle while another is measured.
// At the largest size, heap and RSS per idle viewer (after a forced GC) come from the same viewers.
import { Harness, startComparison, startRelay, type RelayTarget, type Target } from '../lib/processes.ts';
import { publish } from '../lib/relay-api.ts';
import { round, summarize, Usage, type ProcessStats, type Summary } from '../lib/stats.ts';

export interface FanoutOptions {
  viewers: number[];
  edits: number;
  /** Edits per server before measuring, not recorded. */
  warmup: number;
  /** How long to leave the relay after connecting, so its presence frame is sent before measuring. */
  settleMs: number;
  concurrency: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface FanoutRow {
  viewers: number;
  server: Target['name'];
  /** ms from posting the edit to the last viewer's receipt. */
  last: Summary;
  /** ms from posting the edit to the median viewer's receipt. */
  median: Summary;
  /** ms from posting the edit to each viewer's receipt, over every delivery of every edit. */
  delivery: Summary;
  /** The server's event loop utilization while its edits were measured (0..1). */
  utilization: number;
  harnessUtilization: number;
  cpuMsPerEdit: number;
  /** The share of that CPU time spent in the kernel. */
  kernelShare: number;
}

export interface MemoryRow {
  server: Target['name'];
  viewers: number;
  heapBytesPerViewer: number;
  rssBytesPerViewer: number;
  heapUsed: number;
  rss: number;
}

export interface FanoutResult {
  rows: FanoutRow[];
  memory: MemoryRow[];
  ratios: {
    viewers: number;
    relayToBareP50: number;
    relayToBareP99: number;
    relayToSocketIoP50: number;
    relayToSocketIoP99: number;
    /** Server CPU time per edit, relay over bare ws: what other processes on the machine disturb least. */
    relayToBareCpu: number;
    relayToSocketIoCpu: number;
  }[];
}

interface Contender {
  target: Target;
  harness: Harness;
  doc: { docId: string; token: string; share: string };
  connected: number;
  baseline: ProcessStats;
}

export async function fanout(options: FanoutOptions, log: (line: string) => void): Promise<FanoutResult> {
  const relay: RelayTarget = await startRelay({ nodeFlags: options.relayFlags, env: options.relayEnv });
  const others = await Promise.all([startComparison('bare-ws'), startComparison('socket.io')]);
  const contenders: Contender[] = [];
  try {
    const published = await publish(relay, 'Fan-out', 'A1:C3');
    for (const target of [relay, ...others]) {
      const doc =
        target === relay
          ? { docId: published.docId, token: published.ingestKey, share: published.shareId }
          : { docId: 'fanout', token: 'none', share: 'fanout' };
      contenders.push({ target, harness: new Harness(), doc, connected: 0, baseline: await target.stats(true) });
    }

    const rows: FanoutRow[] = [];
    const memory: MemoryRow[] = [];
    for (const size of options.viewers) {
      for (const c of contenders) {
        log(`fan-out: ${c.target.name}: connecting ${size - c.connected} more viewers (to ${size})`);
        await c.harness.call('connect', { client: c.target.client, url: c.target.url, shares: [c.doc.share], perShare: size - c.connected, concurrency: options.concurrency });
        c.connected = size;
      }
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));

      const samples = new Map(contenders.map((c) => [c, { last: [] as number[], median: [] as number[], deliveries: [] as number[], usage: new Usage(), harness: [] as number[] }]));
      for (let i = 0; i < options.warmup + options.edits; i++) {
        // Rotate who goes first, so no server always follows the same one.
        const order = contenders.map((_, k) => contenders[(i + k) % contenders.length]!);
        for (const c of order) {
          const before = await c.target.stats();
          const result = await c.harness.call<{ lastMs: number; medianMs: number; deliveries: number[]; harnessUtilization: number }>('edit', {
            url: c.target.url,
            doc: { docId: c.doc.docId, token: c.doc.token, viewers: size },
          });
          const after = await c.target.stats();
          if (i < options.warmup) continue;
          const s = samples.get(c)!;
          s.last.push(result.lastMs);
          s.median.push(result.medianMs);
          for (const ms of result.deliveries) s.deliveries.push(ms);
          s.usage.add(before, after);
          s.harness.push(result.harnessUtilization);
        }
      }
      for (const c of contenders) {
        const s = samples.get(c)!;
        const row: FanoutRow = {
          viewers: size,
          server: c.target.name,
          last: summarize(s.last),
          median: summarize(s.median),
          delivery: summarize(s.deliveries),
          utilization: s.usage.utilization,
          harnessUtilization: round(s.harness.reduce((a, b) => a + b, 0) / Math.max(1, s.harness.length), 3),
          cpuMsPerEdit: round(s.usage.cpuMs / Math.max(1, s.last.length)),
          kernelShare: s.usage.systemShare,
        };
        rows.push(row);
        log(`fan-out: ${size} viewers, ${c.target.name}: p50 ${row.last.p50} ms, p99 ${row.last.p99} ms, max ${row.last.max} ms`);
      }
    }

    // The viewers are idle now: what each holds per viewer, after a forced GC.
    const size = options.viewers.at(-1)!;
    for (const c of contenders) {
      const now = await c.target.stats(true);
      memory.push({
        server: c.target.name,
        viewers: size,
        heapBytesPerViewer: Math.round((now.memory.heapUsed - c.baseline.memory.heapUsed) / size),
        rssBytesPerViewer: Math.round((now.memory.rss - c.baseline.memory.rss) / size),
        heapUsed: now.memory.heapUsed,
        rss: now.memory.rss,
      });
    }

    const ratios = options.viewers.map((viewers) => {
      const at = (server: Target['name']) => rows.find((r) => r.viewers === viewers && r.server === server)!;
      const [relayRow, bare, socketIo] = [at('relay'), at('bare-ws'), at('socket.io')];
      return {
        viewers,
        relayToBareP50: round(relayRow.last.p50 / bare.last.p50),
        relayToBareP99: round(relayRow.last.p99 / bare.last.p99),
        relayToSocketIoP50: round(relayRow.last.p50 / socketIo.last.p50),
        relayToSocketIoP99: round(relayRow.last.p99 / socketIo.last.p99),
        relayToBareCpu: round(relayRow.cpuMsPerEdit / bare.cpuMsPerEdit),
        relayToSocketIoCpu: round(relayRow.cpuMsPerEdit / socketIo.cpuMsPerEdit),
      };
    });
    return { rows, memory, ratios };
  } finally {
    await Promise.all(contenders.map((c) => c.harness.stop()));
    await Promise.all([relay, ...others].map((t) => t.stop()));
  }
}
