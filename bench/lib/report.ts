// The bench's one table, and the verdict on each of SPEC.md's targets.
import type { FanoutResult } from '../scenarios/fanout.ts';
import type { IngestResultRow } from '../scenarios/ingest.ts';
import type { LatencyRow } from '../scenarios/latency.ts';
import type { ManyDocsResult } from '../scenarios/many-docs.ts';
import type { HealthResult } from '../scenarios/health-under-snapshots.ts';
import type { SnapshotRow } from '../scenarios/snapshot.ts';
import type { SseResult } from '../scenarios/sse.ts';
import type { ClusterResult } from '../scenarios/cluster.ts';
import type { WebhooksRow } from '../scenarios/webhooks.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  loadAverage: number[];
}

export interface Results {
  startedAt: string;
  seconds: number;
  machine: Machine;
  options: Record<string, unknown>;
  fanout?: FanoutResult;
  manyDocs?: ManyDocsResult;
  latency?: LatencyRow[];
  ingest?: IngestResultRow[];
  snapshot?: SnapshotRow[];
  sse?: SseResult;
  cluster?: ClusterResult;
  health?: HealthResult;
  webhooks?: WebhooksRow[];
  targets: Target[];
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

/** SPEC.md "Targets", judged on this run's figures; `met: null` when the run did not measure it. */
export function judge(results: Omit<Results, 'targets'>): Target[] {
  const targets: Target[] = [];
  const fan = results.fanout;
  const at10k = fan?.rows.filter((r) => r.viewers === 10_000);
  const relay10k = at10k?.find((r) => r.server === 'relay');
  const ratio10k = fan?.ratios.find((r) => r.viewers === 10_000);
  targets.push({
    target: 'fan-out to 10,000 viewers: p99 < 100 ms',
    measured: relay10k ? `p99 ${relay10k.last.p99} ms to the last viewer (p99 of every delivery ${relay10k.delivery.p99} ms)` : 'not measured (no 10,000-viewer size)',
    met: relay10k ? relay10k.last.p99 < 100 : null,
  });
  targets.push({
    target: 'relay ≤ 1.25× bare ws at 10,000 viewers (p50)',
    measured: ratio10k ? `${ratio10k.relayToBareP50}× (p99 ${ratio10k.relayToBareP99}×)` : 'not measured',
    met: ratio10k ? ratio10k.relayToBareP50 <= 1.25 : null,
  });
  targets.push({
    target: 'relay ahead of Socket.IO at every size (p50)',
    measured: fan ? fan.ratios.map((r) => `${r.viewers}: ${r.relayToSocketIoP50}×`).join(', ') : 'not measured',
    met: fan ? fan.ratios.every((r) => r.relayToSocketIoP50 < 1) : null,
  });
  const relayLatency = results.latency?.find((r) => r.server === 'relay');
  targets.push({
    target: `ingest to viewer, ${relayLatency?.viewers ?? 100} viewers: p50 < 2 ms, p99 < 10 ms`,
    measured: relayLatency ? `p50 ${relayLatency.last.p50} ms, p99 ${relayLatency.last.p99} ms (last viewer)` : 'not measured',
    met: relayLatency ? relayLatency.last.p50 < 2 && relayLatency.last.p99 < 10 : null,
  });
  const sqlite = results.ingest?.find((r) => r.store === 'sqlite');
  targets.push({
    target: '≥ 5,000 single-cell edits/s on the embedded store',
    measured: sqlite ? `${sqlite.editsPerSecond} edits/s` : 'not measured',
    met: sqlite ? sqlite.editsPerSecond >= 5000 : null,
  });
  const plain10k = results.snapshot?.find((r) => r.cells === 10_000 && !r.formatted);
  const styled10k = results.snapshot?.find((r) => r.cells === 10_000 && r.formatted);
  const formatRatio = plain10k && styled10k ? Math.round((styled10k.bytes / plain10k.bytes) * 100) / 100 : null;
  targets.push({
    target: '10,000-cell snapshot with formats ≤ 1.5× the bytes without',
    measured: formatRatio === null ? 'not measured' : `${formatRatio}× (${Math.round(styled10k!.bytes / 1024)} KB vs ${Math.round(plain10k!.bytes / 1024)} KB)`,
    met: formatRatio === null ? null : formatRatio <= 1.5,
  });
  const relayMemory = fan?.memory.find((m) => m.server === 'relay');
  const bareMemory = fan?.memory.find((m) => m.server === 'bare-ws');
  targets.push({
    target: 'heap per idle viewer within 1 KB of bare ws',
    measured: relayMemory && bareMemory ? `${(relayMemory.heapBytesPerViewer / 1024).toFixed(1)} KB against ${(bareMemory.heapBytesPerViewer / 1024).toFixed(1)} KB` : 'not measured',
    met: relayMemory && bareMemory ? relayMemory.heapBytesPerViewer - bareMemory.heapBytesPerViewer <= 1024 : null,
  });
  targets.push({
    target: '< 10 KB heap per idle viewer',
    measured: relayMemory ? `${(relayMemory.heapBytesPerViewer / 1024).toFixed(1)} KB at ${relayMemory.viewers} viewers` : 'not measured',
    met: relayMemory ? relayMemory.heapBytesPerViewer < 10 * 1024 : null,
  });
  return targets;
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  // A short row (a note in place of figures) does not widen the columns after its last cell.
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (i < r.length - 1 || r.length === header.length ? (r[i]?.length ?? 0) : 0))));
  // Figures right-aligned, words left-aligned.
  const line = (r: string[]) => r.map((c, i) => (/^-?[\d.,]+×?$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export function render(results: Results): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`Sheetcast bench, ${results.startedAt}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverage.join(' ')}; ${results.seconds} s`);
  if (results.fanout) {
    const f = results.fanout;
    out.push('', 'Fan-out: one doc, ms from the ingest POST to the last viewer; then to the median viewer, and p99 of every delivery');
    out.push(
      table(
        ['viewers', 'server', 'p50', 'p99', 'max', 'median viewer p50', 'every delivery p99', 'server ELU', 'server CPU ms/edit', 'in kernel', 'harness ELU'],
        f.rows.map((r) => [r.viewers, r.server, r.last.p50, r.last.p99, r.last.max, r.median.p50, r.delivery.p99, pct(r.utilization), r.cpuMsPerEdit, pct(r.kernelShare), pct(r.harnessUtilization)]),
      ),
    );
    out.push(
      '',
      table(
        ['viewers', 'relay/bare-ws p50', 'p99', 'CPU', 'relay/Socket.IO p50', 'p99', 'CPU'],
        f.ratios.map((r) => [r.viewers, r.relayToBareP50, r.relayToBareP99, r.relayToBareCpu, r.relayToSocketIoP50, r.relayToSocketIoP99, r.relayToSocketIoCpu]),
      ),
    );
    out.push('', 'Memory per idle viewer (after a forced GC)');
    out.push(table(['server', 'viewers', 'heap KB/viewer', 'RSS KB/viewer', 'heap MB', 'RSS MB'], f.memory.map((r) => [r.server, r.viewers, kb(r.heapBytesPerViewer), kb(r.rssBytesPerViewer), (r.heapUsed / 2 ** 20).toFixed(1), (r.rss / 2 ** 20).toFixed(1)])));
  }
  if (results.manyDocs) {
    const d = results.manyDocs;
    out.push('', `Many small docs: ${d.docs} docs × ${d.viewersPerDoc} viewers, ${d.rate} edits/s spread across them`);
    out.push(
      table(
        ['edits', 'superseded', 'lost', 'frames', 'delivery p50', 'p99', 'last viewer p50', 'p99', 'relay CPU µs/frame', 'relay ELU', 'harness ELU'],
        [[d.edits, d.superseded, d.lost, d.deliveries, d.delivery.p50, d.delivery.p99, d.last.p50, d.last.p99, d.cpuMicrosPerFrame, pct(d.utilization), pct(d.harnessUtilization)]],
      ),
    );
  }
  if (results.latency) {
    const l = results.latency;
    out.push('', `Ingest to viewer: ${l[0]?.viewers} viewers, ${l[0]?.rate} edits/s (ms)`);
    out.push(table(['server', 'edits', 'superseded', 'lost', 'last viewer p50', 'p99', 'max', 'every delivery p50', 'p99', 'server ELU', 'harness ELU'], l.map((r) => [r.server, r.edits, r.superseded, r.lost, r.last.p50, r.last.p99, r.last.max, r.delivery.p50, r.delivery.p99, pct(r.utilization), pct(r.harnessUtilization)])));
  }
  if (results.ingest) {
    out.push('', `Ingest throughput: single-cell edits, ${results.ingest[0]?.concurrency} concurrent posters`);
    out.push(
      table(
        ['store', 'edits/s', 'edits', 'failed', 'answer p50 ms', 'p99', 'relay CPU µs/edit', 'relay ELU', 'harness ELU'],
        results.ingest.map((i) =>
          i.error
            ? [i.store, `not measured: ${i.error}`]
            : [i.store, i.editsPerSecond, i.done, i.failed, i.answer.p50, i.answer.p99, i.cpuMicrosPerEdit, pct(i.utilization), pct(i.harnessUtilization)],
        ),
      ),
    );
  }
  if (results.snapshot) {
    out.push('', 'Snapshot to a newly connecting viewer (ms from opening the socket to the whole snapshot)');
    out.push(
      table(
        ['cells', 'formats', 'frame KB', 'cold p50', 'p99', 'cached p50', 'p99', 'after an edit p50', 'p99'],
        results.snapshot.map((r) => [r.cells, r.formatted ? 'yes' : 'no', kb(r.bytes), r.cold.p50, r.cold.p99, r.cached.p50, r.cached.p99, r.afterEdit.p50, r.afterEdit.p99]),
      ),
    );
  }
  if (results.cluster) {
    const c = results.cluster;
    out.push('', c.error ? `Three relays: not measured: ${c.error}` : `One relay beside three relays on one Postgres and Redis, same viewers, edits alternating (ms from the POST to the last viewer; three/one p50 ${c.threeToOneP50}×, p99 ${c.threeToOneP99}×)`);
    if (!c.error) out.push(table(['set-up', 'viewers', 'last p50', 'p99', 'every delivery p50', 'p99'], c.rows.map((r) => [r.setup, r.viewers, r.last.p50, r.last.p99, r.delivery.p50, r.delivery.p99])));
    const ch = c.churn;
    if (ch) {
      out.push('', `A relay leaving and one joining while ${ch.edits} edits streamed (ms; every viewer counted: ${ch.gaps} seqs lost, ${ch.repeats} repeated, ${ch.caughtUp ? 'all' : 'NOT all'} at the last seq)`);
      out.push(table(['viewers', 'resumed elsewhere', 'resume p50', 'p99', 'leaving relay stopped', 'joining relay ready', 'its viewers connected'], [[ch.viewers, ch.resumed, ch.resume.p50, ch.resume.p99, ch.leaveMs, ch.joinReadyMs, ch.joinConnectMs]]));
    }
  }
  if (results.sse) {
    out.push('', `Server-Sent Events beside WebSockets, one relay, edits alternating (ms from the POST to the last viewer; SSE/WS p50 ${results.sse.sseToWsP50}×, p99 ${results.sse.sseToWsP99}×)`);
    out.push(table(['transport', 'viewers', 'last p50', 'p99', 'every delivery p50', 'p99'], results.sse.rows.map((r) => [r.transport, r.viewers, r.last.p50, r.last.p99, r.delivery.p50, r.delivery.p99])));
  }
  if (results.webhooks) {
    out.push('', 'Webhook delivery: a burst of single-cell edits to each endpoint of one doc, in seq order (ms from the edit\'s answer to its delivery)');
    out.push(
      table(
        ['store', 'endpoints', 'edits', 'deliveries', 'deliveries/s', 'p50', 'p99', 'max', 'out of order', 'relay CPU µs/delivery', 'relay ELU'],
        results.webhooks.map((w) => [w.store, w.endpoints, w.edits, w.deliveries, w.deliveriesPerSecond, w.latency.p50, w.latency.p99, w.latency.max, w.outOfOrder, w.cpuMicrosPerDelivery, pct(w.utilization)]),
      ),
    );
  }
  out.push('', 'Targets (SPEC.md)');
  out.push(table(['', 'target', 'measured'], results.targets.map((t) => [t.met === null ? '-' : t.met ? 'met' : 'MISSED', t.target, t.measured])));
  return out.join('\n') + '\n';
}
