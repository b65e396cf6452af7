import { createConnection, type Socket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/wire.ts';
import { api, cell, connectViewer, eventually, postEdits, publishDoc, quietPeriod, startRelay, type Relay } from './helpers/index.ts';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({
    env: { SHEETCAST_MAX_CONNECTIONS_PER_IP: '3', SHEETCAST_MAX_VIEWERS_PER_DOC: '2', SHEETCAST_PING_MS: '200' },
  });
});
afterAll(() => relay.stop());

describe('connection limits', () => {
  it('closes a viewer beyond a doc\'s limit with 4429, and admits one again when a place frees up', async () => {
    const doc = await publishDoc(relay);
    const [a, b] = [await connectViewer(relay, doc.shareId), await connectViewer(relay, doc.shareId)];
    await a.next('snapshot');
    await b.next('snapshot');
    const third = await connectViewer(relay, doc.shareId);
    expect((await third.closed).code).toBe(CloseCode.TooManyConnections);
    expect((await api(relay, 'GET', '/metrics')).body).toMatch(/^sheetcast_rate_limited_total\{limit="socket_doc"\} 1$/m);
    a.close();
    await a.closed;
    const again = await connectViewer(relay, doc.shareId);
    expect((await again.next('snapshot')).type).toBe('snapshot');
    b.close();
    again.close();
    await Promise.all([b.closed, again.closed]);
  });

  it('closes connections beyond the per-address limit with 4429', async () => {
    const docs = await Promise.all([1, 2, 3, 4].map(() => publishDoc(relay)));
    const viewers = [];
    for (const doc of docs.slice(0, 3)) {
      const v = await connectViewer(relay, doc.shareId);
      await v.next('snapshot');
      viewers.push(v);
    }
    const fourth = await connectViewer(relay, docs[3]!.shareId);
    expect((await fourth.closed).code).toBe(CloseCode.TooManyConnections);
    expect((await api(relay, 'GET', '/metrics')).body).toMatch(/^sheetcast_rate_limited_total\{limit="socket_address"\} 1$/m);
    for (const v of viewers) v.close();
    await Promise.all(viewers.map((v) => v.closed));
  });
});

describe('the protocol\'s own bounds', () => {
  it('closes a viewer that sends a message over 4 KiB with 1009', async () => {
    const doc = await publishDoc(relay);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    viewer.socket.send('x'.repeat(4097));
    expect((await viewer.closed).code).toBe(1009);
  });

  it('refuses more than 50 ranges, 500 allow entries or a 201-character title with 400, and takes the most it allows', async () => {
    const publish = (body: object) => api(relay, 'POST', '/v1/docs', { token: relay.adminToken, body: { spreadsheetId: 'bounds', title: 't', ranges: [{ sheet: 'S', range: 'A1' }], ...body } });
    const refusals = [
      await publish({ ranges: Array.from({ length: 51 }, (_, i) => ({ sheet: 'S', range: `A${i + 1}` })) }),
      await publish({ access: 'restricted', allow: Array.from({ length: 501 }, (_, i) => `v${i}@example.com`) }),
      await publish({ title: 't'.repeat(201) }),
    ];
    for (const reply of refusals) expect([reply.status, reply.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await publish({ ranges: Array.from({ length: 50 }, (_, i) => ({ sheet: 'S', range: `A${i + 1}` })), title: 't'.repeat(200) })).status).toBe(201);
  });
});

describe('keepalive', () => {
  it('pings viewers and drops one that does not answer, keeping one that does', async () => {
    const doc = await publishDoc(relay);
    const answering = await connectViewer(relay, doc.shareId);
    await answering.next('snapshot');
    // A peer that never answers pings (its network went away, say).
    const silent = new WebSocket(`${relay.wsUrl}/v1/live?share=${doc.shareId}`, { autoPong: false });
    let pinged = 0;
    silent.on('ping', () => pinged++);
    const dropped = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    expect(await dropped).toBe(1006); // terminated, not closed politely
    expect(pinged).toBeGreaterThanOrEqual(1);
    await postEdits(relay, doc, [cell('A1', 'still here')]);
    expect(await answering.next('delta')).toMatchObject({ seq: 1 });
    answering.close();
  });
});

describe('restricted shares', () => {
  it('need sign-in: the snapshot answers 401 and the socket closes with 4401', async () => {
    const doc = await publishDoc(relay, { access: 'restricted', allow: ['alice@example.com', '@example.org'] });
    const reply = await api(relay, 'GET', `/v1/shares/${doc.shareId}/snapshot`);
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('sign_in_required');
    const viewer = await connectViewer(relay, doc.shareId);
    expect((await viewer.closed).code).toBe(CloseCode.SignInNeeded);
    expect(viewer.frames).toEqual([]);
  });

  it('close open anonymous viewers with 4401 when a doc becomes restricted', async () => {
    const doc = await publishDoc(relay);
    const viewer = await connectViewer(relay, doc.shareId);
    await viewer.next('snapshot');
    await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { access: 'restricted' } });
    expect((await viewer.closed).code).toBe(CloseCode.SignInNeeded);
  });
});

describe('behind one proxy (SHEETCAST_TRUST_PROXY=1)', () => {
  it('takes the address the proxy added, not the ones the client put before it', async () => {
    const behind = await startRelay({ env: { SHEETCAST_TRUST_PROXY: '1', SHEETCAST_MAX_CONNECTIONS_PER_IP: '3' } });
    try {
      const doc = await publishDoc(behind);
      // A proxy that appends: each client forges its own first entry; the proxy saw one address.
      const open = (forwardedFor: string) =>
        new Promise<number | 'admitted'>((resolve) => {
          const socket = new WebSocket(`${behind.wsUrl}/v1/live?share=${doc.shareId}`, { headers: { 'x-forwarded-for': forwardedFor } });
          socket.once('message', () => resolve('admitted'));
          socket.once('close', (code) => resolve(code));
        });
      const outcomes = [];
      for (let i = 1; i <= 4; i++) outcomes.push(await open(`203.0.113.${i}, 198.51.100.7`));
      expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', CloseCode.TooManyConnections]);
      expect(await open('203.0.113.9, 198.51.100.8')).toBe('admitted');
    } finally {
      await behind.stop();
    }
  });
});

describe('timeouts and the connection cap', () => {
  const raw = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(socket));
      socket.on('error', reject);
    });
  const closed = (socket: Socket) => new Promise<string>((resolve) => {
    let said = '';
    socket.on('data', (chunk) => (said += chunk));
    socket.on('close', () => resolve(said));
  });

  it('answers a request whose body never arrives with 408 and closes it', async () => {
    const timed = await startRelay({ env: { SHEETCAST_REQUEST_TIMEOUT_MS: '500' } });
    try {
      const socket = await raw(timed.port);
      const ended = closed(socket);
      socket.write('POST /v1/docs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spread');
      expect(await ended).toMatch(/^HTTP\/1\.1 408/);
      // A live socket is a request that ended with its upgrade: the timeout does not reach it.
      const doc = await publishDoc(timed);
      const viewer = await connectViewer(timed, doc.shareId);
      await viewer.next('snapshot');
      await quietPeriod(1_500);
      await postEdits(timed, doc, [cell('A1', 'still here')]);
      expect((await viewer.next('delta')).seq).toBe(1);
      viewer.close();
    } finally {
      await timed.stop();
    }
  });

  it('drops connections beyond SHEETCAST_MAX_CONNECTIONS, and takes one again once a place frees up', async () => {
    const capped = await startRelay({ env: { SHEETCAST_MAX_CONNECTIONS: '3' } });
    try {
      const held = [await raw(capped.port), await raw(capped.port), await raw(capped.port)];
      const extra = await raw(capped.port);
      const said = await closed(extra);
      expect(said).toBe('');
      const gone = closed(held[0]!);
      held[0]!.destroy();
      await gone;
      await eventually(async () => expect((await fetch(`${capped.url}/healthz`)).status).toBe(200));
      for (const socket of held) socket.destroy();
    } finally {
      await capped.stop();
    }
  });
});
