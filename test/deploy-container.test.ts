// deploy/Dockerfile and deploy/compose.yaml, unchanged, in a real Docker: this test starts its own
// dockerd, builds stand-ins for the base images (no registry is reachable here; see
// test/deploy-standins/build.sh), builds the relay's image, brings the stack up, and works it
// through nginx over TLS. Everything it started is taken down and dockerd stopped, even on failure.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { ROOT } from '../scripts/lib/relay-process.ts';
import { cell, connectViewer, eventually, freePort, postEdits, publishDoc, snapshotOf, type Relay } from './helpers/index.ts';

// The stack's certificate is self-signed by deploy/make-cert.sh: this test process trusts it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const RUN = '/run/sheetcast-test-docker';
const DOCKER_HOST = `unix://${RUN}/docker.sock`;
const PROJECT = 'sheetcast-deploy-test';
const COMPOSE_FILE = join(ROOT, 'deploy/compose.yaml');

let dockerd: ChildProcess | undefined;
let env: Record<string, string>;
let stack: Relay;

/** Runs a command with the test's Docker and compose variables; its stdout, or an error with its output. */
async function sh(command: string, args: string[], timeoutMs = 300_000): Promise<string> {
  const { stdout } = await promisify(execFile)(command, args, { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }).catch((error: { message: string; stdout?: string; stderr?: string }) => {
    throw new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  return stdout;
}

const compose = (...args: string[]) => sh('docker-compose', ['-p', PROJECT, '-f', COMPOSE_FILE, ...args]);

/** The extra certificate authorities this machine trusts (an intercepting proxy's), for the image build's npm. */
function extraCaCerts(): string {
  const dir = '/usr/local/share/ca-certificates';
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.crt'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

async function startDockerd(): Promise<void> {
  mkdirSync(RUN, { recursive: true });
  const daemon = spawn('dockerd', ['--host', DOCKER_HOST, '--data-root', '/var/lib/sheetcast-test-docker', '--exec-root', `${RUN}/exec`, '--pidfile', `${RUN}/dockerd.pid`], { stdio: ['ignore', 'ignore', 'pipe'] });
  dockerd = daemon;
  let log = '';
  daemon.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk).slice(-4000)));
  await eventually(
    async () => {
      if (daemon.exitCode !== null) throw new Error(`dockerd exited with ${daemon.exitCode}:\n${log}`);
      await sh('docker', ['version']);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** Stops dockerd by its PID (SIGTERM, then SIGKILL after 30 s) and waits for it to exit. */
async function stopDockerd(): Promise<void> {
  const daemon = dockerd;
  if (!daemon || daemon.exitCode !== null || daemon.signalCode !== null) return;
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  process.kill(daemon.pid!, 'SIGTERM');
  const timer = setTimeout(() => daemon.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  const httpsPort = await freePort();
  const tlsDir = mkdtempSync(join(tmpdir(), 'sheetcast-tls-'));
  const nodeVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/node/package.json'), 'utf8')) as { version: string }).version;
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    // npm pack in the stand-in build goes through this machine's proxy, whose CA node must trust.
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
    DOCKER_HOST,
    EXTRA_CA_CERTS: extraCaCerts(),
    PUBLIC_URL: `https://localhost:${httpsPort}`,
    POSTGRES_PASSWORD: randomBytes(18).toString('base64url'),
    SHEETCAST_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    HTTPS_PORT: String(httpsPort),
    HTTP_PORT: String(await freePort()),
    TLS_DIR: tlsDir,
    BACKUP_INTERVAL: '2',
    LOG_LEVEL: 'warn',
  };
  await startDockerd();
  await sh(join(ROOT, 'test/deploy-standins/build.sh'), [nodeVersion], 600_000);
  await sh(join(ROOT, 'deploy/make-cert.sh'), ['localhost', tlsDir]);
  await compose('build');
  await compose('up', '-d');
  const url = `https://127.0.0.1:${httpsPort}`;
  stack = { url, wsUrl: url.replace('https', 'wss'), port: httpsPort, adminToken: env.SHEETCAST_ADMIN_TOKEN!, dataDir: '', output: () => '', stop: async () => 0, kill: async () => {}, restart: async () => {} };
  await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), { timeoutMs: 90_000, intervalMs: 500 });
}, 900_000);

afterAll(async () => {
  try {
    if (dockerd) await compose('down', '--volumes', '--remove-orphans', '--timeout', '5');
  } finally {
    await stopDockerd();
  }
}, 120_000);

describe('the compose stack from deploy/', () => {
  it('runs the relay as an unprivileged user, node itself as the container\'s process', async () => {
    const container = (await compose('ps', '-q', 'relay1')).trim();
    const [user, command] = (await sh('docker', ['inspect', '-f', '{{.Config.User}}|{{json .Config.Cmd}}', container])).trim().split('|');
    expect(user).toBe('node');
    expect(JSON.parse(command!)).toEqual(['node', 'relay/server.ts']);
    expect((await sh('docker', ['exec', container, 'id', '-u'])).trim()).not.toBe('0');
  });

  it('publishes and edits a doc through nginx over TLS, and viewers see the edits live', async () => {
    const doc = await publishDoc(stack);
    expect(doc.viewUrl).toBe(`${env.PUBLIC_URL}/view/${doc.shareId}`);
    const viewer = await connectViewer(stack, doc.shareId);
    await viewer.next('snapshot');
    expect((await postEdits(stack, doc, [cell('A1', 'through nginx')])).status).toBe(200);
    expect(await viewer.next('delta')).toMatchObject({ seq: 1 });
    viewer.close();
  });

  it('closes viewers with 1001 on SIGTERM to a relay container, and they resume on the other', async () => {
    const doc = await publishDoc(stack);
    await postEdits(stack, doc, [cell('A1', 'before')]);
    const viewers = await Promise.all(Array.from({ length: 6 }, () => connectViewer(stack, doc.shareId)));
    for (const viewer of viewers) await viewer.next('snapshot');
    const before = await snapshotOf(stack, doc.shareId);
    // compose stop sends SIGTERM and waits up to stop_grace_period before it would kill.
    await compose('stop', 'relay1');
    const container = (await compose('ps', '-q', 'relay1')).trim();
    expect((await sh('docker', ['inspect', '-f', '{{.State.ExitCode}}', container])).trim()).toBe('0');

    // Each viewer either still hears edits (it was on relay2) or was closed by relay1 going away.
    expect((await postEdits(stack, doc, [cell('A1', 'while one relay is down')])).status).toBe(200);
    const outcomes = await Promise.all(viewers.map((viewer) => viewer.next('delta').then(() => 'open', async () => (await viewer.closed).code)));
    const closed = viewers.filter((_, i) => outcomes[i] !== 'open');
    expect(closed.length).toBeGreaterThan(0);
    for (const i of outcomes.keys()) if (outcomes[i] !== 'open') expect(outcomes[i]).toBe(CloseCode.GoingAway);

    const resumed = await Promise.all(closed.map(() => connectViewer(stack, doc.shareId, { epoch: before.epoch, seq: before.seq })));
    for (const viewer of resumed) {
      expect(await viewer.next('delta')).toMatchObject({ seq: before.seq + 1 });
      expect(viewer.all('snapshot')).toEqual([]); // resumed, not started over
    }
    for (const viewer of [...viewers, ...resumed]) viewer.close();
    await compose('start', 'relay1');
  }, 120_000);

  it('runs the backup job: pg_dumps of the database that pg_restore can read', async () => {
    const container = (await compose('ps', '-q', 'backup')).trim();
    // The first dump may predate the relays' schema; the job runs every 2 s here.
    await eventually(async () => {
      const dumps = (await sh('docker', ['exec', container, 'sh', '-c', 'ls /backups/*.dump'])).trim().split('\n');
      for (const dump of dumps) expect(dump).toMatch(/^\/backups\/sheetcast-\d{8}T\d{6}Z\.dump$/);
      expect(await sh('docker', ['exec', container, 'pg_restore', '--list', dumps.at(-1)!])).toContain('TABLE DATA public docs');
    }, { timeoutMs: 30_000, intervalMs: 1000 });
  });
});
