// The processes of a bench run: the relay under test (the real `node relay/server.ts`, started as
// the tests start it), the comparison servers, and client harnesses, each in its own process so
// none shares a core's event loop with another.
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runNode, spawnNode, startRelay as startRelayProcess, stopProcess, waitForHealth } from '../../scripts/lib/relay-process.ts';
import type { ProcessStats } from './stats.ts';

export { ROOT } from '../../scripts/lib/relay-process.ts';

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

/** A server's `GET /debug/stats` (the relay's with SHEETCAST_BENCH=1). */
function statsOf(name: Target['name'], url: string): Target['stats'] {
  return async (gc = false) => {
    const response = await fetch(`${url}/debug/stats${gc ? '?gc=1' : ''}`);
    if (!response.ok) throw new Error(`${name} /debug/stats: ${response.status} ${await response.text()}`);
    return (await response.json()) as ProcessStats;
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
  const dataDir = mkdtempSync(join(tmpdir(), 'sheetcast-bench-'));
  const relay = await startRelayProcess({
    dataDir,
    nodeFlags: ['--expose-gc', ...(options.nodeFlags ?? [])],
    env: {
      SHEETCAST_BENCH: '1',
      SHEETCAST_MAX_CONNECTIONS_PER_IP: '1000000',
      SHEETCAST_MAX_VIEWERS_PER_DOC: '1000000',
      // --snapshot-cells may ask for docs larger than the default limit.
      SHEETCAST_MAX_CELLS_PER_DOC: '1000000',
      // The bench's posters and viewers all come from loopback, far faster than one client may.
      SHEETCAST_RATE_PER_MINUTE: '1000000000',
      SHEETCAST_INGEST_PER_MINUTE: '1000000000',
      // The many-docs scenario publishes 1000 docs (by default) as one publisher.
      SHEETCAST_MAX_DOCS_PER_PUBLISHER: '10000000',
      ...options.env,
    },
  });
  return {
    name: 'relay',
    client: 'ws',
    url: relay.url,
    adminToken: relay.adminToken,
    output: relay.output,
    stats: statsOf('relay', relay.url),
    async stop() {
      await relay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A comparison server from `bench/servers/`. */
export async function startComparison(name: 'bare-ws' | 'socket.io'): Promise<Target> {
  const port = await freePort();
  const file = name === 'bare-ws' ? 'bench/servers/bare-ws.ts' : 'bench/servers/socketio.ts';
  const url = `http://127.0.0.1:${port}`;
  const server = runNode(['--expose-gc', file], { PORT: String(port) });
  await waitForHealth(url, server);
  return {
    name,
    client: name === 'bare-ws' ? 'ws' : 'socket.io',
    url,
    output: server.output,
    stats: statsOf(name, url),
    stop: async () => void (await stopProcess(server)),
  };
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
