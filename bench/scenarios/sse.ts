// Server-Sent Events beside WebSockets: one relay, one doc watched by N WebSocket viewers and
// another by N SSE viewers, edits alternating between the two, so the machine's other load weighs
// on both alike. Each delta's frame is serialized once either way; SSE puts its three lines
// around it per viewer.
import { Harness, startRelay } from '../lib/processes.ts';
import { publish } from '../lib/relay-api.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';

export interface SseOptions {
  viewers: number;
  edits: number;
  warmup: number;
  settleMs: number;
  concurrency: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface SseRow {
  transport: 'websocket' | 'sse';
  viewers: number;
  /** ms from posting the edit to the last viewer's receipt. */
  last: Summary;
  delivery: Summary;
}

export interface SseResult {
  rows: SseRow[];
  /** SSE's p50 and p99 to the last viewer over the WebSocket's. */
  sseToWsP50: number;
  sseToWsP99: number;
}

export async function sse(options: SseOptions, log: (line: string) => void): Promise<SseResult> {
  const relay = await startRelay({ nodeFlags: options.relayFlags, env: options.relayEnv });
  const kinds = ['websocket', 'sse'] as const;
  const harnesses = { websocket: new Harness(), sse: new Harness() };
  try {
    const docs = { websocket: await publish(relay, 'SSE bench (ws)', 'A1:C3'), sse: await publish(relay, 'SSE bench (sse)', 'A1:C3') };
    for (const kind of kinds) {
      log(`sse: ${options.viewers} ${kind} viewers`);
      await harnesses[kind].call('connect', { client: kind === 'sse' ? 'sse' : 'ws', url: relay.url, shares: [docs[kind].shareId], perShare: options.viewers, concurrency: options.concurrency });
    }
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const samples = { websocket: { last: [] as number[], delivery: [] as number[] }, sse: { last: [] as number[], delivery: [] as number[] } };
    for (let i = 0; i < options.warmup + options.edits; i++) {
      for (const kind of kinds) {
        const doc = { docId: docs[kind].docId, token: docs[kind].ingestKey, viewers: options.viewers };
        const result = await harnesses[kind].call<{ lastMs: number; deliveries: number[] }>('edit', { url: relay.url, doc });
        if (i < options.warmup) continue;
        samples[kind].last.push(result.lastMs);
        samples[kind].delivery.push(...result.deliveries);
      }
    }
    const rows = kinds.map((transport) => ({ transport, viewers: options.viewers, last: summarize(samples[transport].last), delivery: summarize(samples[transport].delivery) }));
    const [ws, events] = rows as [SseRow, SseRow];
    return { rows, sseToWsP50: round(events.last.p50 / ws.last.p50, 2), sseToWsP99: round(events.last.p99 / ws.last.p99, 2) };
  } finally {
    await Promise.all(kinds.map((kind) => harnesses[kind].stop()));
    await relay.stop();
  }
}
