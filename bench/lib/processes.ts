// The processes of a bench run: the relay under test (the real `node relay/server.ts`), the
// comparison servers, and client harnesses, each in its own process so none shares a core's
// event loop with another.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessStats } from './stats.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns `node <args>` through a shell that first raises the open-file limit to the hard
 * limit: 10,000 sockets need 10,000 descriptors on each side.
 */
function spawnNode(args: string[], env: Record<string, string>, ipc: boolean): ChildProcess {
  const command = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', command, process.execPath, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ipc ? ['ignore', 'inherit', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A server under test: where viewers connect, where edits are posted, and its figures. */
export interface Target {
  name: 'relay' | 'bare-ws' | 'socket.io';
  /** What the harness connects with. */
  client: 'ws' | 'socket.io';
  url: string;
  output(): string;
  stats(gc?: boolean): Promise<ProcessStats>;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}:\n${output()}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not start:\n${output()}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

async function startServer(
  name: Target['name'],
  client: Target['client'],
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<Target> {
  const child = spawnNode(['--expose-gc', ...args], env, false);
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => log);
  return {
    name,
    client,
    url,
    output: () => log,
    async stats(gc = false) {
      const response = await fetch(`${url}/debug/stats${gc ? '?gc=1' : ''}`);
      if (!response.ok) throw new Error(`${name} /debug/stats: ${response.status} ${await response.text()}`);
      return (await response.json()) as ProcessStats;
    },
    stop: stopper(child),
  };
}

export interface RelayTarget extends Target {
  adminToken: string;
}

export interface RelayOptions {
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=…`. */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

/** The real relay process, with its limits raised for thousands of viewers from loopback. */
export async function startRelay(options: RelayOptions = {}): Promise<RelayTarget> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sheetcast-bench-'));
  const adminToken = randomBytes(24).toString('base64url');
  const target = await startServer('relay', 'ws', [...(options.nodeFlags ?? []), 'relay/server.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    SHEETCAST_DATA: join(dataDir, 'sheetcast.db'),
    SHEETCAST_ADMIN_TOKEN: adminToken,
    SHEETCAST_DEMO: '0',
    SHEETCAST_BENCH: '1',
    SHEETCAST_MAX_CONNECTIONS_PER_IP: '1000000',
    SHEETCAST_MAX_VIEWERS_PER_DOC: '1000000',
    // --snapshot-cells may ask for docs larger than the default limit.
    SHEETCAST_MAX_CELLS_PER_DOC: '1000000',
    LOG_LEVEL: 'warn',
    ...options.env,
  }, port);
  const stop = target.stop;
  return {
    ...target,
    adminToken,
    async stop() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A comparison server from `bench/servers/`. */
export async function startComparison(name: 'bare-ws' | 'socket.io'): Promise<Target> {
  const port = await freePort();
  const file = name === 'bare-ws' ? 'bench/servers/bare-ws.ts' : 'bench/servers/socketio.ts';
  return startServer(name, name === 'bare-ws' ? 'ws' : 'socket.io', [file], { PORT: String(port) }, port);
}

/** A client harness process (`bench/harness/harness.ts`), driven by calls over IPC. */
export class Harness {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #next = 0;
  #stderr = '';

  constructor() {
    this.#child = spawnNode(['--max-old-space-size=4096', 'bench/harness/harness.ts'], {}, true);
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#stderr += chunk));
    this.#child.on('message', (raw) => {
      const message = raw as { id: number; result?: unknown; error?: string };
      const call = this.#pending.get(message.id);
      if (!call) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
    this.#child.once('exit', (code) => {
      for (const call of this.#pending.values()) call.reject(new Error(`harness exited with ${code}:\n${this.#stderr}`));
      this.#pending.clear();
    });
  }

  call<T>(command: string, args: unknown): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ id, command, args });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGKILL');
    await exited;
  }
}
