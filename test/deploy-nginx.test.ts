// deploy/nginx.conf, run by a real nginx in front of two relays on one Postgres and one Redis:
// TLS, WebSocket upgrades, and a viewer whose relay stops resuming through the other.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../protocol/wire.ts';
import { api, cell, connectViewer, eventually, freePort, openEvents, postEdits, publishDoc, startRelay, type Relay } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

// The certificate is our own, self-signed: this test process trusts it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let relays: Relay[];
let nginx: ChildProcess;
let proxy: Relay;
let httpPort: number;
const CAP = 8;

/** deploy/nginx.conf with this machine's ports, certificate and writable paths in place of the examples. */
function render(dir: string, relayPorts: number[], httpsPort: number): string {
  const conf = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8');
  const upstream = relayPorts.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=10s;`).join('\n');
  return conf
    .replace(/^pid .*$/m, `pid ${dir}/nginx.pid;`)
    .replaceAll('/var/log/nginx/', `${dir}/`)
    .replace(/(upstream sheetcast \{\n)(\s*server relay\d.*\n)+/, `$1${upstream}\n`)
    .replace('listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`)
    .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replace('/etc/nginx/tls/fullchain.pem', `${dir}/cert.pem`)
    .replace('/etc/nginx/tls/privkey.pem', `${dir}/key.pem`);
}

beforeAll(async () => {
  database = await freshDatabase();
  const httpsPort = await freePort();
  httpPort = await freePort();
  // A low per-address socket cap, so the address each relay sees can be told from its refusals.
  const env = { ...clusterEnv(database.url), SHEETCAST_TRUST_PROXY: '1', SHEETCAST_MAX_CONNECTIONS_PER_IP: String(CAP), PUBLIC_URL: `https://127.0.0.1:${httpsPort}` };
  relays = [await startRelay({ env }), await startRelay({ env })];

  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-nginx-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
  writeFileSync(`${dir}/nginx.conf`, render(dir, relays.map((r) => r.port), httpsPort));
  nginx = spawn('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  nginx.stderr!.on('data', (chunk: Buffer) => (errors += chunk));
  const url = `https://127.0.0.1:${httpsPort}`;
  await eventually(async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${errors}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
  proxy = { ...relays[0]!, url, wsUrl: url.replace('https', 'wss') };
});

afterAll(async () => {
  nginx?.kill('SIGQUIT');
  await Promise.all((relays ?? []).map((r) => r.stop()));
  await database?.drop();
});

describe('relays behind deploy/nginx.conf', () => {
  it('serves the API over TLS, tags requests with nginx\'s request id, and keeps /metrics private', async () => {
    const health = await fetch(`${proxy.url}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect((await fetch(`${proxy.url}/metrics`)).status).toBe(404);
    const plain = await fetch(`http://127.0.0.1:${httpPort}/view/x`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe(`https://127.0.0.1/view/x`);
  });

  it('counts sockets by the address nginx saw, whatever X-Forwarded-For the client sends', async () => {
    const doc = await publishDoc(proxy);
    // Each socket claims another address; all come from 127.0.0.1, so two relays admit at most 2 × CAP.
    const sockets = Array.from({ length: 2 * CAP + 4 }, (_, i) => new WebSocket(`${proxy.wsUrl}/v1/live?share=${doc.shareId}`, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } }));
    const refused = await Promise.all(
      sockets.map((socket) => new Promise<boolean>((resolve) => {
        socket.once('close', (code) => resolve(code === CloseCode.TooManyConnections));
        socket.once('message', () => resolve(false));
      })),
    );
    expect(refused.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    for (const socket of sockets) socket.close();
    await eventually(() => expect(sockets.every((s) => s.readyState === WebSocket.CLOSED)).toBe(true));
  });

  it('carries live views over WebSocket upgrades, whichever relay each lands on', async () => {
    const doc = await publishDoc(proxy);
    expect(doc.viewUrl).toBe(`${proxy.url}/view/${doc.shareId}`);
    const viewers = [await connectViewer(proxy, doc.shareId), await connectViewer(proxy, doc.shareId)];
    for (const v of viewers) await v.next('snapshot');
    for (const value of ['1', '2', '3']) expect((await postEdits(proxy, doc, [cell('A1', value)])).status).toBe(200);
    for (const v of viewers) {
      expect([(await v.next('delta')).seq, (await v.next('delta')).seq, (await v.next('delta')).seq]).toEqual([1, 2, 3]);
      v.close();
    }
  });

  it('passes Server-Sent Events through at once, each delta as it happens, and resumes them by Last-Event-ID', async () => {
    const doc = await publishDoc(proxy);
    const stream = await openEvents(proxy, doc.shareId);
    expect(stream.status).toBe(200);
    const { id } = await stream.next('snapshot');
    await postEdits(proxy, doc, [cell('A1', 'first')]);
    // Unbuffered: the delta arrives while the response is still open, before any later event.
    expect(await stream.next('delta')).toMatchObject({ id: '1.1' });
    stream.close();
    await postEdits(proxy, doc, [cell('A2', 'missed')]);
    const resumed = await openEvents(proxy, doc.shareId, { 'last-event-id': '1.1' });
    expect(await resumed.next()).toMatchObject({ event: 'delta', id: '1.2' });
    resumed.close();
    expect(id).toBe('1.0');
  });

  it('lets viewers of a relay that stops resume through the other with exactly what they missed', async () => {
    const doc = await publishDoc(proxy);
    // Enough viewers that some land on each relay.
    const viewers = await Promise.all(Array.from({ length: 6 }, () => connectViewer(proxy, doc.shareId)));
    for (const v of viewers) await v.next('snapshot');
    await postEdits(proxy, doc, [cell('A1', 'before')]);
    for (const v of viewers) expect((await v.next('delta')).seq).toBe(1);
    const counts = await Promise.all(relays.map(async (r) => Number(/^sheetcast_viewers (\d+)/m.exec((await api(r, 'GET', '/metrics')).body)?.[1])));
    expect(counts.every((n) => n > 0)).toBe(true);

    const dropped = new Set<(typeof viewers)[number]>();
    for (const v of viewers) void v.closed.then(() => dropped.add(v));
    await relays[0]!.stop();
    // Exactly the viewers of the stopped relay are told it is going away.
    await eventually(() => expect(dropped.size).toBe(counts[0]));
    for (const v of dropped) expect((await v.closed).code).toBe(CloseCode.GoingAway);

    await postEdits(proxy, doc, [cell('A1', 'while away')]);
    for (const v of dropped) {
      const back = await connectViewer(proxy, doc.shareId, { epoch: 1, seq: 1 });
      expect(await back.next()).toMatchObject({ type: 'delta', seq: 2, changes: [{ values: [['while away']] }] });
      back.close();
    }
    await relays[0]!.restart();
  });
});
