// The real relay as a child process (`node relay/server.ts`) on a free port with its own data:
// what the tests and the bench start, and the few process helpers they share.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns `node <args>` in the project with `env` on top of a clean environment, through a shell
 * that first raises the open-file limit to the hard limit: 10,000 sockets need 10,000 descriptors.
 * With `ipc`, stdout is inherited and a message channel opened; otherwise stdout and stderr are piped.
 */
export function spawnNode(args: string[], env: Record<string, string>, ipc = false): ChildProcess {
  const command = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', command, process.execPath, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ipc ? ['ignore', 'inherit', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface NodeProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Everything it printed, stdout and stderr. */
  output(): string;
}

/** `node <args>` (see spawnNode), its output collected. */
export function runNode(args: string[], env: Record<string, string>): NodeProcess {
  let output = '';
  const child = spawnNode(args, env);
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Runs `node [nodeFlags] relay/server.ts` with `env` on top of a clean environment. */
export function runRelayProcess(env: Record<string, string>, nodeFlags: string[] = []): NodeProcess {
  return runNode([...nodeFlags, 'relay/server.ts'], env);
}

/** Resolves once `url/healthz` answers 200; throws with the output if the process exits first. */
export async function waitForHealth(url: string, run: NodeProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const code = await Promise.race([run.exited, new Promise((r) => setTimeout(r, 50, 'running'))]);
    if (code !== 'running') throw new Error(`${url} exited with ${code}:\n${run.output()}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not start:\n${run.output()}`);
  }
}

/** Sends `signal` and waits for the exit (SIGKILL if SIGTERM has not ended it in 15 s). */
export async function stopProcess(run: NodeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  run.child.kill(signal);
  const timer = signal === 'SIGTERM' ? setTimeout(() => run.child.kill('SIGKILL'), 15_000) : undefined;
  const code = await run.exited;
  clearTimeout(timer);
  return code;
}

export interface Relay {
  url: string;
  wsUrl: string;
  port: number;
  adminToken: string;
  dataDir: string;
  /** Everything the process printed, stdout and stderr, across restarts. */
  output(): string;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown, no flush. */
  kill(): Promise<void>;
  /** Starts again on the same port and data. */
  restart(): Promise<void>;
}

export interface StartOptions {
  /** On top of a working relay's variables (port, data, admin token, no demo, warnings only). */
  env?: Record<string, string>;
  dataDir?: string;
  /** Node's own flags, e.g. `--expose-gc` or `--cpu-prof`. */
  nodeFlags?: string[];
}

/** The relay on a free port with its own data dir, once its /healthz answers. */
export async function startRelay(options: StartOptions = {}): Promise<Relay> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sheetcast-'));
  const adminToken = options.env?.SHEETCAST_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    SHEETCAST_DATA: join(dataDir, 'sheetcast.db'),
    SHEETCAST_ADMIN_TOKEN: adminToken,
    SHEETCAST_DEMO: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  let log = '';
  let current: NodeProcess;

  async function launch(): Promise<void> {
    current = runRelayProcess(env, options.nodeFlags);
    await waitForHealth(url, current);
  }

  async function end(signal: NodeJS.Signals): Promise<number | null> {
    const code = await stopProcess(current, signal);
    log += current.output();
    return code;
  }

  await launch();
  return {
    url,
    wsUrl: url.replace('http', 'ws'),
    port,
    adminToken,
    dataDir,
    output: () => log + current.output(),
    stop: () => end('SIGTERM'),
    kill: async () => void (await end('SIGKILL')),
    restart: async () => {
      log += current.output();
      await launch();
    },
  };
}
