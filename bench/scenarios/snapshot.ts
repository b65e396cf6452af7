// Snapshot: how long a newly connecting viewer waits for the whole doc, by doc size. "cold":
// the doc's only viewer, so the relay reads the doc from the store first; "cached": someone
// else is watching and nothing changed since the last viewer joined (the frame is serialized
// already); "after an edit": each viewer joins right after an edit, so the frame is made anew.
// Each size is measured with values only and again with a scoreboard's formats beside them.
import { Harness, startRelay } from '../lib/processes.ts';
import { block, fill, publish, viewerCount } from '../lib/relay-api.ts';
import { summarize, type Summary } from '../lib/stats.ts';

export interface SnapshotOptions {
  cells: number[];
  repeats: number;
  relayFlags: string[];
  relayEnv: Record<string, string>;
}

export interface SnapshotRow {
  cells: number;
  formatted: boolean;
  bytes: number;
  cold: Summary;
  cached: Summary;
  afterEdit: Summary;
}

/** A block of `cells` cells, ten columns wide up to 1,000 cells, a hundred wide beyond. */
function shape(cells: number): { rows: number; columns: number } {
  const columns = cells <= 1000 ? 10 : 100;
  return { rows: Math.ceil(cells / columns), columns };
}

export async function snapshot(options: SnapshotOptions, log: (line: string) => void): Promise<SnapshotRow[]> {
  const relay = await startRelay({ nodeFlags: options.relayFlags, env: options.relayEnv });
  const harness = new Harness();
  try {
    const rows: SnapshotRow[] = [];
    for (const [cells, formatted] of options.cells.flatMap((n) => [[n, false], [n, true]] as const)) {
      const { rows: height, columns } = shape(cells);
      const doc = await publish(relay, `Snapshot ${cells}`, block(height, columns));
      await fill(relay, doc, height, columns, formatted);
      log(`snapshot: ${cells} cells${formatted ? ' with formats' : ''}, ${options.repeats} new viewers each way`);
      const cold: number[] = [];
      for (let i = 0; i < options.repeats; i++) {
        // Each one alone: the last viewer's leaving unloads the doc, so wait for that first.
        while ((await viewerCount(relay, doc.docId)) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const one = await harness.call<{ times: number[] }>('snapshot', { url: relay.url, share: doc.shareId, repeats: 1 });
        cold.push(one.times[0]!);
      }
      // From here one viewer keeps the doc live, as on any doc someone is watching.
      await harness.call('connect', { client: 'ws', url: relay.url, shares: [doc.shareId], perShare: 1, concurrency: 1 });
      const cached = await harness.call<{ times: number[]; bytes: number }>('snapshot', { url: relay.url, share: doc.shareId, repeats: options.repeats });
      const afterEdit = await harness.call<{ times: number[]; bytes: number }>('snapshot', {
        url: relay.url,
        share: doc.shareId,
        repeats: options.repeats,
        editBefore: { docId: doc.docId, token: doc.ingestKey, viewers: 0 },
      });
      rows.push({ cells: height * columns, formatted, bytes: cached.bytes, cold: summarize(cold), cached: summarize(cached.times), afterEdit: summarize(afterEdit.times) });
      await harness.call('closeAll', {});
    }
    return rows;
  } finally {
    await harness.stop();
    await relay.stop();
  }
}
