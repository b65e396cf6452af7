// The smaller holes a black-box probe found: each is a 4xx in the spec's
// shape or a header, never a 500, a leaked secret or a world-readable file.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../protocol/wire.ts';
import { addonIdToken, CookieJar, oauthFlow, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';
import { api, connectViewer, eventually, publishDoc, startRelay, type Relay } from './helpers/index.ts';
import { freshDatabase } from './helpers/services.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let env: GoogleRelay;
let plain: Relay;

beforeAll(async () => {
  database = await freshDatabase();
  env = await startGoogleRelay({ env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' } });
  plain = await startRelay({ env: { LOG_LEVEL: 'info', SHEETCAST_VIEWER_FRAMES_PER_MINUTE: '20' } });
});
afterAll(async () => {
  await Promise.all([env?.stop(), plain?.stop()]);
  await database?.drop();
});

describe('sign-in and Google publishing', () => {
  it('returns to a path with non-Latin-1 characters, percent-encoded', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'alice@example.com', returnTo: '/view/ünï€?x=ß' });
    expect(flow.callback.status).toBe(303);
    expect(flow.callback.headers.get('location')).toBe('/view/%C3%BCn%C3%AF%E2%82%AC?x=%C3%9F');
  });

  it('refuses NUL in any text a web publish stores, with 400 (on Postgres)', async () => {
    const flow = await oauthFlow(env.relay, { loginHint: 'alice@example.com' });
    const jar: CookieJar = flow.jar;
    const body = { spreadsheet: 'nul-sheet', title: 'T', ranges: [{ sheet: 'Sheet1', range: 'A1' }] };
    for (const bad of [
      { ...body, title: 'a\u0000b' },
      { ...body, ranges: [{ sheet: 'Sheet\u00001', range: 'A1' }] },
      { ...body, access: 'restricted', allow: ['a\u0000@example.com'] },
      { ...body, spreadsheet: 'x\u0000' },
    ]) {
      const reply = await jar.fetch(`${env.relay.url}/v1/google/docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: env.relay.url },
        body: JSON.stringify(bad),
      });
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect((await reply.json()).error.code).toBeTypeOf('string');
    }
  });

  it('does not echo a bad ID token back in the 401', async () => {
    // Not JSON in its first part: google-auth-library's message quotes that part.
    const token = `${Buffer.from('not json SECRETISH').toString('base64url')}.c2VjcmV0LXBheWxvYWQ.not-a-signature`;
    const reply = await api(env.relay, 'POST', '/v1/docs', { token, body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } });
    expect(reply.status).toBe(401);
    expect(JSON.stringify(reply.body)).not.toContain(token.split('.')[0]);
    expect(JSON.stringify(reply.body)).not.toContain('c2VjcmV0LXBheWxvYWQ');
    // and a good one still works
    expect((await api(env.relay, 'POST', '/v1/docs', { token: addonIdToken(env.google, 'alice@example.com'), body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } })).status).toBe(201);
  });
});

describe('logs', () => {
  it('never hold a share id, in whatever form the URL carries it', async () => {
    const doc = await publishDoc(plain);
    const id = doc.shareId;
    for (const path of [
      `/view/${id}`,
      `/v1/shares/${id}/snapshot`,
      `/v1/live?share=x&share=${id}`,
      `/v1/live?%73hare=${id}`,
      `/v1/live?SHARE=${id}`,
      `//view/${id}`,
      `/VIEW/${id}`,
      `/v1/live?x=1;share=${id}`,
      `/auth/google/start?return=/view/${id}`,
    ]) {
      await fetch(plain.url + path).then((r) => r.text());
    }
    await eventually(() => expect(plain.output().split('\n').filter((l) => l.includes('"url"')).length).toBeGreaterThanOrEqual(9));
    expect(plain.output()).not.toContain(id);
    expect(plain.output()).not.toContain(id.slice(4));
  });
});

describe('requests and responses', () => {
  it('answers a body that is not JSON with 415 in the spec\'s shape', async () => {
    const doc = await publishDoc(plain);
    const reply = await api(plain, 'POST', `/v1/docs/${doc.docId}/edits`, { token: doc.ingestKey, rawBody: 'hello', contentType: 'text/plain' });
    expect(reply.status).toBe(415);
    expect(reply.body.error.code).toBeTypeOf('string');
  });

  it('never lets a response holding an ingest key be cached', async () => {
    const published = await api(plain, 'POST', '/v1/docs', { token: plain.adminToken, body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } });
    expect(published.headers.get('cache-control')).toBe('no-store');
    const rotated = await api(plain, 'POST', `/v1/docs/${published.body.docId}/rotate-key`, { token: plain.adminToken });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
  });

  it('sends nosniff on JSON, and lets no other site frame a page', async () => {
    const doc = await publishDoc(plain);
    const json = await fetch(`${plain.url}/v1/shares/${doc.shareId}/snapshot`);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    const error = await fetch(`${plain.url}/v1/shares/nope/snapshot`);
    expect(error.headers.get('x-content-type-options')).toBe('nosniff');
    const view = await fetch(`${plain.url}/view/${doc.shareId}`);
    expect(view.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(view.headers.get('x-content-type-options')).toBe('nosniff');
    // embed.js is loaded by other sites' pages: it must stay loadable cross-origin
    const embed = await fetch(`${plain.url}/embed.js`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get('cross-origin-resource-policy')).not.toBe('same-origin');
  });

  it('asks browsers for HTTPS only when the relay is served over HTTPS', async () => {
    expect((await fetch(`${plain.url}/healthz`)).headers.get('strict-transport-security')).toBe(null);
    const behindTls = await startRelay({ env: { PUBLIC_URL: 'https://sheetcast.example.com' } });
    try {
      expect((await fetch(`${behindTls.url}/healthz`)).headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    } finally {
      await behindTls.stop();
    }
  });

  it('keeps the SQLite store readable by its owner only', () => {
    const mode = statSync(join(plain.dataDir, 'sheetcast.db')).mode;
    expect(mode & 0o077).toBe(0);
  });
});

describe('a viewer\'s own frames', () => {
  it('are budgeted: a viewer that keeps sending is closed with 4429', async () => {
    const doc = await publishDoc(plain);
    const viewer = await connectViewer(plain, doc.shareId);
    await viewer.next('snapshot');
    for (let i = 0; i < 40 && viewer.socket.readyState === WebSocket.OPEN; i++) viewer.socket.send('{}');
    expect((await viewer.closed).code).toBe(CloseCode.TooManyConnections);
    expect((await api(plain, 'GET', '/metrics')).body).toMatch(/^sheetcast_rate_limited_total\{limit="socket_frames"\} 1$/m);
  });

  it('leave a viewer within the budget open', async () => {
    const doc = await publishDoc(plain);
    const viewer = await connectViewer(plain, doc.shareId);
    await viewer.next('snapshot');
    for (let i = 0; i < 5; i++) viewer.socket.send('{}');
    const other = await connectViewer(plain, doc.shareId);
    await other.next('snapshot');
    expect(viewer.socket.readyState).toBe(WebSocket.OPEN);
    viewer.close();
    other.close();
  });
});
