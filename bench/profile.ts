// `node bench/profile.ts <file.cpuprofile> [--top N] [--inside fn] [--callers fn] [--svg out.svg]`:
// where a `--cpu-prof` profile of the relay spent its time, by function (self time) and by
// package, as text; with `--svg`, as a flame graph. `npm run bench -- --profile` writes the
// profiles (Chrome DevTools and speedscope open them too).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { flameGraph, type FlameFrame } from './lib/flamegraph.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, callers: { type: 'string' }, inside: { type: 'string' }, svg: { type: 'string' } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/profile.ts <file.cpuprofile> [--top N] [--callers <function>] [--inside <function>] [--svg <file>]\n');
  process.exit(64);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

/** Whether a node runs inside a call of `name` (`--inside`: only that work is counted). */
function within(id: number, name: string | undefined): boolean {
  if (name === undefined) return true;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    if (byId.get(at)!.callFrame.functionName === name) return true;
  }
  return false;
}

/** Microseconds of self time per profile node. */
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (within(id, values.inside)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(relay|protocol|bench)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id)!;
  const name = `${callFrame.functionName || '(anonymous)'}  ${where(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  const group = callFrame.url ? where(callFrame.url).replace(/^(relay|protocol|bench)\/.*/, '$1') : callFrame.functionName;
  packages.set(group, (packages.get(group) ?? 0) + micros);
}

const top = Number(values.top);
const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(1).padStart(8)} ms  ${name}\n`);
  }
};
process.stdout.write(`${positionals[0]}: ${(total / 1e6).toFixed(2)} s sampled${values.inside ? ` inside ${values.inside}` : ''}\n`);
print('Self time by function', functions);
print('Self time by package (native and idle by name)', packages);

// `--callers name`: the call stacks that lead to a function, by its self time.
if (values.callers) {
  const stacks = new Map<string, number>();
  for (const [id, micros] of self) {
    if (byId.get(id)!.callFrame.functionName !== values.callers) continue;
    const frames: string[] = [];
    for (let at = parent.get(id); at !== undefined && frames.length < 8; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      frames.push(`${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`);
    }
    const key = frames.join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + micros);
  }
  print(`Callers of ${values.callers}`, stacks);
}

// `--svg file`: the flame graph of the counted samples, rooted at `--inside`'s function if given.
if (values.svg) {
  const frame = (id: number): FlameFrame => {
    const node = byId.get(id)!;
    const children = (node.children ?? []).map(frame).filter((c) => c.total > 0);
    const total = (self.get(id) ?? 0) + children.reduce((sum, c) => sum + c.total, 0);
    const place = node.callFrame.url ? where(node.callFrame.url).replace(/^(relay|protocol|bench)\/.*/, '$1') : '(native)';
    return { name: node.callFrame.functionName || '(anonymous)', where: place, total, children };
  };
  const isRoot = (id: number) => {
    if (values.inside === undefined) return !parent.has(id);
    if (byId.get(id)!.callFrame.functionName !== values.inside) return false;
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.functionName === values.inside) return false;
    return true;
  };
  const roots = profile.nodes.filter((n) => isRoot(n.id)).map((n) => frame(n.id)).filter((f) => f.total > 0);
  const root: FlameFrame = roots.length === 1 ? roots[0]! : { name: values.inside ?? '(root)', where: 'all calls', total: roots.reduce((s, r) => s + r.total, 0), children: roots };
  const caption = `${basename(positionals[0]!)}${values.inside ? `, inside ${values.inside}` : ''}: ${(root.total / 1000).toFixed(0)} ms sampled`;
  writeFileSync(values.svg, flameGraph(root, caption));
  process.stdout.write(`\nflame graph: ${values.svg}\n`);
}
