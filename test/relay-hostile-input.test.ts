// Hostile input, generated (fast-check), against every route and the live socket of a real relay
// with Google configured: random JSON, A1 strings, Unicode, `__proto__` keys, huge and empty
// arrays, bodies that are not JSON. Each answer is below 500 and, when refused, in the spec's
// shape; the relay stays up, and a doc nobody may touch keeps its cells.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PublishResponse } from '../protocol/wire.ts';
import { addonIdToken, startGoogleRelay, type GoogleRelay } from './helpers/google.ts';
import { cell, postEdits, publishDoc, snapshotOf } from './helpers/index.ts';

let env: GoogleRelay;
let target: PublishResponse;
let untouched: PublishResponse;
let before: unknown;

beforeAll(async () => {
  env = await startGoogleRelay({ env: { SHEETCAST_RATE_PER_MINUTE: '1000000', SHEETCAST_INGEST_PER_MINUTE: '1000000' } });
  target = await publishDoc(env.relay);
  untouched = await publishDoc(env.relay);
  await postEdits(env.relay, untouched, [cell('A1', 'kept')]);
  before = await snapshotOf(env.relay, untouched.shareId);
});
afterAll(() => env?.stop());

/** Keys that reach prototypes when code copies objects carelessly. */
const nastyKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '\u0000', '𝕊', 'a'.repeat(300));
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('\u0000', '\uD800', '\u202E', 'A1', 'ZZZ99999999', 'A0', 'A1:', ':B2', 'A1:B2:C3', '${x}', '<script>'));
const a1 = fc.oneof(text, fc.tuple(fc.stringMatching(/^[A-Za-z]{0,4}$/), fc.integer({ min: -1, max: 2 ** 31 })).map(([c, r]) => `${c}${r}`));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(nastyKey, text), tie('v'), { maxKeys: 4 })),
})).v;
const grid = fc.record({ sheet: fc.oneof(text, value), range: fc.oneof(a1, value), values: fc.oneof(value, fc.array(fc.array(fc.oneof(text, value), { maxLength: 3 }), { maxLength: 3 })) });
/** Near-valid bodies for each kind of route, with hostile parts, and anything at all. */
const body = fc.oneof(
  value,
  fc.record({ batchId: fc.oneof(text, value), at: fc.oneof(fc.integer(), value), edits: fc.oneof(fc.array(grid, { maxLength: 3 }), value), ranges: fc.oneof(fc.array(grid, { maxLength: 3 }), value) }, { requiredKeys: [] }),
  fc.record({ spreadsheetId: fc.oneof(text, value), spreadsheet: fc.oneof(text, value), title: fc.oneof(text, value), ranges: fc.oneof(fc.array(grid, { maxLength: 3 }), value), access: fc.oneof(text, value), allow: fc.oneof(fc.array(text, { maxLength: 3 }), value) }, { requiredKeys: [] }),
  fc.dictionary(nastyKey, value, { maxKeys: 3 }),
);

async function expectRefusedWell(response: Response, what: string): Promise<void> {
  expect(response.status, what).toBeLessThan(500);
  const text = await response.text();
  // Pages a browser opens (the view, sign-in) refuse with a page; everything else in the spec's shape.
  if (response.status < 400 || response.headers.get('content-type')?.startsWith('text/html')) return;
  const json = JSON.parse(text);
  expect(json, what).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

function routes(): { method: string; path: string; token?: string }[] {
  const admin = env.relay.adminToken;
  const publisher = addonIdToken(env.google, 'mallory@example.com');
  return [
    { method: 'POST', path: '/v1/docs', token: admin },
    { method: 'POST', path: '/v1/docs', token: publisher },
    { method: 'PATCH', path: `/v1/docs/${target.docId}`, token: admin },
    { method: 'POST', path: `/v1/docs/${target.docId}/edits`, token: target.ingestKey },
    { method: 'PUT', path: `/v1/docs/${target.docId}/snapshot`, token: target.ingestKey },
    { method: 'POST', path: `/v1/docs/${untouched.docId}/edits`, token: 'not-the-key' },
    { method: 'PATCH', path: `/v1/docs/${untouched.docId}`, token: publisher },
    { method: 'POST', path: '/v1/google/docs' },
    { method: 'POST', path: '/webhooks/drive' },
    { method: 'POST', path: '/auth/google/signout' },
    { method: 'POST', path: `/v1/docs/${target.docId}/sync`, token: admin },
  ];
}

describe('hostile input', () => {
  it('answers every route\'s random JSON bodies below 500, refusals in the spec\'s shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), body, async (route, payload) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', origin: env.relay.url };
        if (route.token) headers.authorization = `Bearer ${route.token}`;
        const response = await fetch(env.relay.url + route.path, { method: route.method, headers, body: JSON.stringify(payload) });
        await expectRefusedWell(response, `${route.method} ${route.path} ${JSON.stringify(payload)?.slice(0, 200)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('answers random paths, queries and ids below 500', async () => {
    const encoded = text.map((s) => (s.isWellFormed() ? encodeURIComponent(s) : '%ED%A0%80'));
    const segment = fc.oneof(encoded, fc.constantFrom('..', '%', '%00', '%ff', '%2F', '%E0%A4%A', 'a'.repeat(120)));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom('/v1/docs/', '/v1/shares/', '/view/', '/auth/google/start?return=', '/auth/google/callback?code=', '/publish?doc=', '/v1/live?share=', '/'),
        segment,
        async (method, prefix, rest) => {
          const response = await fetch(env.relay.url + prefix + rest, { method, headers: { authorization: `Bearer ${env.relay.adminToken}` } });
          await expectRefusedWell(response, `${method} ${prefix}${rest}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses bodies that are not JSON, huge arrays and empty ones', async () => {
    const post = (contentType: string, payload: string, path = `/v1/docs/${target.docId}/edits`) =>
      fetch(env.relay.url + path, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${target.ingestKey}` }, body: payload });
    for (const [type, payload] of [
      ['application/json', '{"batchId":'],
      ['application/json', ''],
      ['application/json', '\u0000'],
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'a=1'],
      ['multipart/form-data; boundary=x', '--x--'],
      // more cells than a request may carry, inside the body limit
      ['application/json', JSON.stringify({ batchId: 'b', at: Date.now(), edits: [{ sheet: 'Sheet1', range: 'A1:A60000', values: Array.from({ length: 60_000 }, () => ['']) }] })],
      ['application/json', JSON.stringify({ batchId: 'b', at: Date.now(), edits: Array.from({ length: 20_000 }, () => ({ sheet: 'S', range: 'A1', values: [] })) })],
      ['application/json', JSON.stringify({ batchId: 'b', at: Date.now(), edits: [{ sheet: 'Sheet1', range: 'A1:A5000', values: Array.from({ length: 5000 }, () => []) }] })],
    ] as const) {
      const response = await post(type, payload);
      expect(response.status, `${type} ${payload.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
      await expectRefusedWell(response, `${type} ${payload.slice(0, 60)}`);
    }
  });

  it('takes an empty edit as changing nothing', async () => {
    const response = await fetch(`${env.relay.url}/v1/docs/${target.docId}/edits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.ingestKey}` },
      body: JSON.stringify({ batchId: 'empty', at: Date.now(), edits: [] }),
    });
    expect(await response.json()).toMatchObject({ applied: 0, dropped: 0 });
  });

  it('closes live sockets that send random frames or ask with random queries, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('share', 'epoch', 'seq', '__proto__', 'x'), text, { maxKeys: 4 }), fc.array(fc.oneof(text, value.map((v) => JSON.stringify(v) ?? 'null')), { maxLength: 3 }), async (query, frames) => {
        const socket = new WebSocket(`${env.relay.wsUrl}/v1/live?${new URLSearchParams(query as Record<string, string>)}`);
        socket.on('error', () => {});
        await new Promise<void>((resolve) => {
          socket.once('open', () => {
            for (const frame of frames) socket.send(frame);
            socket.close();
          });
          socket.once('close', () => resolve());
          socket.once('unexpected-response', () => resolve());
        });
      }),
      { numRuns: 100 },
    );
  });

  it('is still up, with no 5xx answered, and the untouched doc as it was', async () => {
    expect((await fetch(`${env.relay.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${env.relay.url}/metrics`)).text();
    expect(metrics).not.toMatch(/sheetcast_http_errors_total\{status="5\d\d"\}/);
    expect(await snapshotOf(env.relay, untouched.shareId)).toEqual(before);
    expect(env.relay.output()).not.toMatch(/"level":50/);
  });
});
