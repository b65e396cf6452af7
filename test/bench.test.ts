import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Results } from '../bench/lib/report.ts';
import { api, startRelay } from './helpers/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The smallest run that still exercises every scenario. */
const TINY = [
  '--viewers', '3,6', '--edits', '3', '--warmup', '1',
  '--docs', '4', '--doc-viewers', '2', '--docs-rate', '20',
  '--latency-viewers', '3', '--latency-rate', '20', '--duration', '0.5',
  '--ingest-concurrency', '2', '--ingest-duration', '0.5',
  '--snapshot-cells', '100,1000', '--snapshot-repeats', '2',
  '--health-readers', '2', '--health-mb', '0.2', '--health-duration', '0.6',
  '--sse-viewers', '3', '--cluster-viewers', '3',
  '--settle', '50', '--concurrency', '4',
];

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Without DATABASE_URL: the tiny run measures the embedded store only, wherever it runs (and no cluster).
  const env = { ...process.env, DATABASE_URL: '', REDIS_URL: '' };
  const child = spawn(process.execPath, ['bench/run.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const summary = expect.objectContaining({
  n: expect.any(Number),
  p50: expect.any(Number),
  p99: expect.any(Number),
  max: expect.any(Number),
});

function expectOrdered(s: { p50: number; p99: number; max: number }): void {
  expect(s.p50).toBeGreaterThan(0);
  expect(s.p50).toBeLessThanOrEqual(s.p99);
  expect(s.p99).toBeLessThanOrEqual(s.max);
}

describe('npm run bench', () => {
  it('runs every scenario end to end on a tiny size, prints the table and writes well-formed JSON and SVG', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetcast-bench-test-'));
    const run = await runBench([...TINY, '--out', out]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    for (const heading of ['Fan-out', 'Memory per idle viewer', 'Many small docs', 'Ingest to viewer', 'Ingest throughput', 'Snapshot', 'Targets', '/healthz under snapshot GETs', 'Server-Sent Events beside WebSockets', 'Three relays: not measured']) {
      expect(run.stdout).toContain(heading);
    }

    const files = readdirSync(out);
    const stamped = files.find((f) => /^bench-.+\.json$/.test(f))!;
    expect(files).toEqual(expect.arrayContaining(['latest.json', 'fanout.svg', stamped]));
    const latest = readFileSync(join(out, 'latest.json'), 'utf8');
    expect(readFileSync(join(out, stamped), 'utf8')).toBe(latest);
    const results = JSON.parse(latest) as Results;

    expect(results.machine).toMatchObject({ cpus: expect.any(Number), cpuModel: expect.any(String), node: process.versions.node });
    const fanout = results.fanout!;
    expect(fanout.rows.map((r) => `${r.viewers} ${r.server}`)).toEqual(['3 relay', '3 bare-ws', '3 socket.io', '6 relay', '6 bare-ws', '6 socket.io']);
    for (const row of fanout.rows) {
      expect(row.last).toEqual(summary);
      expect(row.last.n).toBe(3);
      expectOrdered(row.last);
      expect(row.delivery.n).toBe(3 * row.viewers);
      expect(row.delivery.max).toBe(row.last.max);
      expect(row.utilization).toBeGreaterThan(0);
      expect(row.utilization).toBeLessThanOrEqual(1);
    }
    expect(fanout.ratios.map((r) => r.viewers)).toEqual([3, 6]);
    for (const ratio of fanout.ratios) expect(ratio.relayToBareP50).toBeGreaterThan(0);
    expect(fanout.memory.map((m) => m.server)).toEqual(['relay', 'bare-ws', 'socket.io']);
    for (const m of fanout.memory) expect(m).toMatchObject({ viewers: 6, heapUsed: expect.any(Number), rss: expect.any(Number) });

    const docs = results.manyDocs!;
    expect(docs).toMatchObject({ docs: 4, viewersPerDoc: 2, lost: 0 });
    expect(docs.deliveries).toBe(docs.edits * 2);
    expectOrdered(docs.delivery);
    expect(docs.cpuMicrosPerFrame).toBeGreaterThan(0);

    expect(results.latency!.map((r) => r.server)).toEqual(['relay', 'bare-ws']);
    for (const row of results.latency!) {
      expect(row).toMatchObject({ viewers: 3, lost: 0 });
      expect(row.edits).toBeGreaterThan(0);
      expectOrdered(row.last);
    }

    expect(results.ingest).toEqual([expect.objectContaining({ store: 'sqlite', concurrency: 2, failed: 0 })]);
    expect(results.ingest![0]!.editsPerSecond).toBeGreaterThan(0);

    expect(results.snapshot!.map((r) => [r.cells, r.formatted])).toEqual([[100, false], [100, true], [1000, false], [1000, true]]);
    const [small, , large, styled] = results.snapshot!;
    expect(large!.bytes).toBeGreaterThan(small!.bytes);
    expect(styled!.bytes).toBeGreaterThan(large!.bytes); // the formats travel with the values
    expect(results.sse!.rows.map((r) => [r.transport, r.viewers])).toEqual([['websocket', 3], ['sse', 3]]);
    for (const row of results.sse!.rows) expectOrdered(row.last);
    expect(results.cluster).toMatchObject({ rows: [], error: expect.stringContaining('DATABASE_URL') });
    expectOrdered(large!.cold);
    expect(large!.cold.n).toBe(2);
    expectOrdered(large!.cached);
    expectOrdered(large!.afterEdit);

    const health = results.health!;
    expect(health).toMatchObject({ readers: 2, refused: 0 });
    expect(health.snapshotBytes).toBeGreaterThan(200_000);
    expect(health.gets).toBeGreaterThan(0);
    expectOrdered(health.idle);
    expectOrdered(health.loaded);
    expect(health.ratioP50).toBeGreaterThan(0);

    expect(results.targets).toHaveLength(8);
    for (const target of results.targets) expect([true, false, null]).toContain(target.met);
    // Without a 10,000-viewer size the 10,000-viewer targets are reported as not measured.
    expect(results.targets[0]!.met).toBeNull();

    const svg = readFileSync(join(out, 'fanout.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
    // p50 and p99 lines for each of the three servers.
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    for (const server of ['relay', 'bare-ws', 'socket.io']) expect(svg).toContain(`>${server}</text>`);
  }, 180_000);

  it('refuses an unknown flag, naming it', async () => {
    const run = await runBench(['--viewer', '10']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("'--viewer'");
  });
});

describe('relay process figures for the bench', () => {
  it('has no /debug/stats unless SHEETCAST_BENCH=1', async () => {
    const relay = await startRelay();
    try {
      expect((await api(relay, 'GET', '/debug/stats')).status).toBe(404);
    } finally {
      await relay.stop();
    }
  });

  it('serves CPU time, event-loop utilization and memory to the machine itself only', async () => {
    const relay = await startRelay({ env: { SHEETCAST_BENCH: '1', HOST: '0.0.0.0' } });
    try {
      const stats = await api(relay, 'GET', '/debug/stats?gc=1');
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({
        cpu: { user: expect.any(Number), system: expect.any(Number) },
        elu: { idle: expect.any(Number), active: expect.any(Number) },
        memory: { rss: expect.any(Number), heapUsed: expect.any(Number) },
        gc: false, // the relay was not started with --expose-gc
      });
      const outside = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
      expect(outside, 'a non-loopback IPv4 address to ask from').toBeDefined();
      const remote = await fetch(`http://${outside!.address}:${relay.port}/debug/stats`);
      expect(remote.status).toBe(404);
    } finally {
      await relay.stop();
    }
  });
});
