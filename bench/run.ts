// `npm run bench [-- flags]`: measures the relay against SPEC.md's targets, beside a bare ws
// server and a Socket.IO server in the same run, prints one table and writes the same figures
// as JSON (and the fan-out chart as SVG) under bench/results/. `--help` lists the flags.
// With DATABASE_URL set, ingest throughput is measured on Postgres as well.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fanoutChart } from './lib/chart.ts';
import { ROOT } from './lib/processes.ts';
import { judge, render, type Results } from './lib/report.ts';
import { fanout } from './scenarios/fanout.ts';
import { ingest } from './scenarios/ingest.ts';
import { latency } from './scenarios/latency.ts';
import { manyDocs } from './scenarios/many-docs.ts';
import { snapshot } from './scenarios/snapshot.ts';
import { sse } from './scenarios/sse.ts';
import { cluster } from './scenarios/cluster.ts';
import { addonCost, renderAddonCost } from './scenarios/addon-cost.ts';
import { healthUnderSnapshots, renderHealth } from './scenarios/health-under-snapshots.ts';
import { webhooks } from './scenarios/webhooks.ts';

const SCENARIOS = ['fanout', 'docs', 'latency', 'ingest', 'snapshot', 'sse', 'health', 'cluster', 'addon', 'webhooks'] as const;

const FLAGS = {
  only: { type: 'string', default: SCENARIOS.filter((s) => s !== 'addon' && s !== 'webhooks').join(','), help: `scenarios to run, comma-separated (${SCENARIOS.join(', ')})` },
  'addon-root': { type: 'string', default: '', help: 'addon: measure the add-on of this checkout instead (its dist/sidebar built)' },
  viewers: { type: 'string', default: '1000,5000,10000', help: 'fan-out sizes (viewers of one doc)' },
  edits: { type: 'string', default: '50', help: 'measured fan-out edits per size and server' },
  warmup: { type: 'string', default: '5', help: 'unrecorded fan-out edits per size and server' },
  docs: { type: 'string', default: '1000', help: 'many-docs: how many docs' },
  'doc-viewers': { type: 'string', default: '10', help: 'many-docs: viewers of each doc' },
  'docs-rate': { type: 'string', default: '500', help: 'many-docs: edits a second, spread across the docs' },
  'latency-viewers': { type: 'string', default: '100', help: 'ingest to viewer: viewers of the doc' },
  'latency-rate': { type: 'string', default: '200', help: 'ingest to viewer: edits a second' },
  duration: { type: 'string', default: '10', help: 'seconds of each steady-rate run (many-docs, ingest to viewer)' },
  'ingest-concurrency': { type: 'string', default: '10', help: 'ingest throughput: concurrent posters' },
  'ingest-duration': { type: 'string', default: '5', help: 'ingest throughput: seconds' },
  'snapshot-cells': { type: 'string', default: '100,1000,10000', help: 'snapshot: doc sizes in cells' },
  'snapshot-repeats': { type: 'string', default: '20', help: 'snapshot: new viewers per size and case' },
  'sse-viewers': { type: 'string', default: '1000', help: 'sse: viewers over each transport' },
  'cluster-viewers': { type: 'string', default: '10000', help: 'cluster: viewers of each set-up (spread over three relays, or on one)' },
  'churn-viewers': { type: 'string', default: '1000', help: 'cluster: viewers of the relay that leaves, and of the one that joins' },
  'health-readers': { type: 'string', default: '16', help: 'health: clients reading the large snapshot at once' },
  'health-mb': { type: 'string', default: '10', help: 'health: MB of values in the large doc' },
  'health-duration': { type: 'string', default: '10', help: 'health: seconds under the readers (half as long idle first)' },
  'webhook-endpoints': { type: 'string', default: '1,10', help: 'webhooks: endpoints of the doc, one run per count' },
  'webhook-edits': { type: 'string', default: '500', help: 'webhooks: edits delivered to every endpoint' },
  settle: { type: 'string', default: '1500', help: 'ms to wait after connecting viewers (presence frames go out)' },
  concurrency: { type: 'string', default: '200', help: 'viewer handshakes in flight while connecting' },
  out: { type: 'string', default: 'bench/results', help: 'where the JSON and SVG go' },
  profile: { type: 'boolean', default: false, help: 'run the relay with --cpu-prof; profiles go to <out>/profiles' },
  'relay-env': { type: 'string', default: '', help: 'extra relay configuration, e.g. SHEETCAST_PING_MS=3000,LOG_LEVEL=info' },
  help: { type: 'boolean', default: false, help: 'this list' },
} as const;

const { values: flags } = parseArgs({ options: FLAGS, strict: true });
if (flags.help) {
  process.stdout.write('npm run bench -- [flags]\n\n');
  for (const [name, flag] of Object.entries(FLAGS)) process.stdout.write(`  --${name.padEnd(20)} ${flag.help} (default ${flag.default})\n`);
  process.exit(0);
}

function number(name: keyof typeof FLAGS): number {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got "${flags[name]}"`);
  return n;
}
function numbers(name: keyof typeof FLAGS): number[] {
  const list = String(flags[name]).split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--${name} must be whole numbers separated by commas, got "${flags[name]}"`);
  return list.sort((a, b) => a - b);
}

const only = new Set(flags.only.split(','));
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
const out = resolve(ROOT, flags.out);
mkdirSync(out, { recursive: true });
const relayFlags = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(out, 'profiles')}`] : [];
const relayEnv: Record<string, string> = {};
for (const pair of flags['relay-env'].split(',').filter(Boolean)) {
  const [name, ...value] = pair.split('=');
  if (!name || value.length === 0) throw new Error(`--relay-env: "${pair}" is not NAME=value`);
  relayEnv[name] = value.join('=');
}
const relay = { relayFlags, relayEnv };
const settleMs = number('settle');
const log = (line: string) => process.stderr.write(`  ${line}\n`);

const started = Date.now();
const results: Omit<Results, 'targets'> = {
  startedAt: new Date(started).toISOString(),
  seconds: 0,
  machine: {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  options: { ...flags },
};

if (only.has('fanout')) {
  results.fanout = await fanout(
    { viewers: numbers('viewers'), edits: number('edits'), warmup: number('warmup'), settleMs, concurrency: number('concurrency'), ...relay },
    log,
  );
}
if (only.has('docs')) {
  results.manyDocs = await manyDocs(
    { docs: number('docs'), viewersPerDoc: number('doc-viewers'), rate: number('docs-rate'), durationMs: number('duration') * 1000, settleMs, concurrency: number('concurrency'), ...relay },
    log,
  );
}
if (only.has('latency')) {
  results.latency = await latency({ viewers: number('latency-viewers'), rate: number('latency-rate'), durationMs: number('duration') * 1000, settleMs, ...relay }, log);
}
if (only.has('ingest')) {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  results.ingest = await ingest({ concurrency: number('ingest-concurrency'), durationMs: number('ingest-duration') * 1000, databaseUrl, ...relay }, log);
}
if (only.has('snapshot')) {
  results.snapshot = await snapshot({ cells: numbers('snapshot-cells'), repeats: number('snapshot-repeats'), ...relay }, log);
}
if (only.has('cluster')) {
  const options = { viewers: number('cluster-viewers'), churnViewers: number('churn-viewers'), edits: number('edits'), warmup: number('warmup'), settleMs, concurrency: number('concurrency'), databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, ...relay };
  results.cluster = await cluster(options, log);
}
if (only.has('sse')) {
  const options = { viewers: number('sse-viewers'), edits: number('edits'), warmup: number('warmup'), settleMs, concurrency: number('concurrency'), ...relay };
  results.sse = await sse(options, log);
}

if (only.has('health')) {
  results.health = await healthUnderSnapshots(
    { readers: number('health-readers'), megabytes: number('health-mb'), durationMs: number('health-duration') * 1000, ...relay },
    log,
  );
}

if (only.has('webhooks')) {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  results.webhooks = await webhooks({ endpoints: numbers('webhook-endpoints'), edits: number('webhook-edits'), concurrency: number('ingest-concurrency'), databaseUrl, ...relay }, log);
}

// Counts inside Google rather than times on this machine: printed beside the results, not judged.
const addonRows = only.has('addon') ? await addonCost({ addonRoot: flags['addon-root'] || undefined }, log) : null;
results.seconds = Math.round((Date.now() - started) / 1000);
const final: Results = { ...results, targets: judge(results) };
const stamp = final.startedAt.replace(/[:.]/g, '-');
const json = JSON.stringify(final, null, 2) + '\n';
writeFileSync(join(out, `bench-${stamp}.json`), json);
writeFileSync(join(out, 'latest.json'), json);
if (final.fanout) {
  const caption = `Fan-out, one doc (${final.machine.cpus} × ${final.machine.cpuModel}, ${final.startedAt.slice(0, 10)})`;
  writeFileSync(join(out, 'fanout.svg'), fanoutChart(final.fanout.rows, caption));
}
process.stdout.write(render(final));
if (final.health) process.stdout.write(renderHealth(final.health));
if (addonRows) process.stdout.write(renderAddonCost(addonRows));
process.stdout.write(`\nwritten: ${join(flags.out, `bench-${stamp}.json`)}, ${join(flags.out, 'latest.json')}${final.fanout ? `, ${join(flags.out, 'fanout.svg')}` : ''}\n`);
