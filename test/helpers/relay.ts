// The real relay as a child process (`node relay/server.ts`) on a free port with its own data.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

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
  env?: Record<string, string>;
  dataDir?: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `node relay/server.ts` with `env` on top of a clean environment; resolves on exit. */
export function runRelayProcess(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['relay/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, output: () => output };
}

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
  let current: ReturnType<typeof runRelayProcess>;

  async function launch(): Promise<void> {
    current = runRelayProcess(env);
    const started = Date.now();
    for (;;) {
      const code = await Promise.race([current.exited, new Promise((r) => setTimeout(r, 50, 'running'))]);
      if (code !== 'running') throw new Error(`relay exited with ${code}:\n${current.output()}`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return;
      if (Date.now() - started > 20_000) throw new Error(`relay did not start:\n${current.output()}`);
    }
  }

  async function end(signal: NodeJS.Signals): Promise<number | null> {
    current.child.kill(signal);
    const code = await current.exited;
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

/** Starts the relay with `env` on top of a port and a data dir, expecting it to refuse; its output lines. */
export async function startRefused(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-'));
  const run = runRelayProcess({ PORT: String(await freePort()), SHEETCAST_DATA: join(dir, 'db'), ...env });
  const code = await run.exited;
  return { code, lines: run.output().trim().split('\n') };
}
