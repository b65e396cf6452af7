import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResponse } from '../protocol/wire.ts';
import { api, cell, connectViewer, postEdits, publishDoc, quietPeriod, snapshotOf, startRelay, type Relay, type Viewer } from './helpers/index.ts';

let relay: Relay;
let doc: PublishResponse;
let viewer: Viewer;
let before: unknown;

beforeAll(async () => {
  relay = await startRelay({
    env: {
      SHEETCAST_MAX_CELLS_PER_REQUEST: '100',
      SHEETCAST_MAX_CELLS_PER_DOC: '1000',
      SHEETCAST_MAX_CELL_CHARS: '50',
      SHEETCAST_MAX_BODY_BYTES: '16384',
    },
  });
  doc = await publishDoc(relay, { ranges: [{ sheet: 'Sheet1', range: 'A1:J10' }] });
  await postEdits(relay, doc, [cell('A1', 'original')]);
  viewer = await connectViewer(relay, doc.shareId);
  await viewer.next('snapshot');
  before = await snapshotOf(relay, doc.shareId);
});

afterAll(async () => {
  // Whatever was sent above, nothing changed and no viewer heard of it.
  expect(await snapshotOf(relay, doc.shareId)).toEqual(before);
  await quietPeriod(50);
  expect(viewer.all('delta')).toEqual([]);
  await relay.stop();
});

const edits = (body: unknown, token?: string) =>
  api(relay, 'POST', `/v1/docs/${doc.docId}/edits`, { token: token ?? doc.ingestKey, body });
const batch = (more: object) => ({ batchId: randomUUID(), at: Date.now(), ...more });

function expectError(reply: { status: number; body: any }, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(reply.body.error.message.length).toBeGreaterThan(5);
}

describe('bad edits get a clear 4xx and change nothing', () => {
  it('401 without an ingest key, with a wrong one, or with the admin token', async () => {
    expectError(await api(relay, 'POST', `/v1/docs/${doc.docId}/edits`, { body: batch({ edits: [cell('A1', 'x')] }) }), 401, 'unauthorized');
    expectError(await edits(batch({ edits: [cell('A1', 'x')] }), 'sck_wrong'), 401, 'unauthorized');
    expectError(await edits(batch({ edits: [cell('A1', 'x')] }), relay.adminToken), 401, 'unauthorized');
  });

  it('404 for an unknown doc', async () => {
    const reply = await api(relay, 'POST', '/v1/docs/nosuchdoc/edits', { token: doc.ingestKey, body: batch({ edits: [cell('A1', 'x')] }) });
    expectError(reply, 404, 'unknown_doc');
  });

  it('400 when values do not have the shape of their range', async () => {
    expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range: 'A1:B2', values: [['x', 'y']] }] })), 400, 'shape_mismatch');
    expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range: 'A1:B2', values: [['x', 'y'], ['z']] }] })), 400, 'shape_mismatch');
    // the bad grid comes second: the good first one is not applied either
    expectError(await edits(batch({ edits: [cell('A1', 'x'), { sheet: 'Sheet1', range: 'A1', values: [] }] })), 400, 'shape_mismatch');
  });

  it('400 for a range that is not bounded A1 notation', async () => {
    for (const range of ['A:A', '1:2', 'A1:', 'Sheet1!A1', 'A0', 'AAAA1', '']) {
      expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range, values: [['x']] }] })), 400, 'invalid_request');
    }
  });

  it('400 for a missing, malformed or oversized field', async () => {
    expectError(await edits({ at: Date.now(), edits: [cell('A1', 'x')] }), 400, 'invalid_request');
    expectError(await edits(batch({ batchId: 'b'.repeat(129), edits: [cell('A1', 'x')] })), 400, 'invalid_request');
    expectError(await edits(batch({ at: -1, edits: [cell('A1', 'x')] })), 400, 'invalid_request');
    expectError(await edits(batch({ at: '123', edits: [cell('A1', 'x')] })), 400, 'invalid_request');
    expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range: 'A1', values: [[5]] }] })), 400, 'invalid_request');
    expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range: 'A1', values: [[null]] }] })), 400, 'invalid_request');
    expectError(await edits(batch({ edits: [cell('A1', 'x')], extra: true })), 400, 'invalid_request');
    expectError(await edits(batch({ edits: [cell('A1', 'x'.repeat(51))] })), 400, 'invalid_request');
    expectError(await edits(batch({ edits: [cell('A1', 'nul\u0000byte')] })), 400, 'invalid_request');
  });

  it('400 for a read time in the far future, which would pin cells', async () => {
    expectError(await edits(batch({ at: Date.now() + 3_600_000, edits: [cell('A1', 'x')] })), 400, 'invalid_at');
  });

  it('413 over the cells-per-request or body-size limits', async () => {
    const grid = Array.from({ length: 11 }, () => Array.from({ length: 10 }, () => 'x'));
    expectError(await edits(batch({ edits: [{ sheet: 'Sheet1', range: 'A1:J11', values: grid }] })), 413, 'too_many_cells');
    expectError(await edits(batch({ edits: [cell('A1', 'x'.repeat(20_000))] })), 413, 'body_too_large');
  });

  it('400 for a body that is not JSON, and 415 for another content type', async () => {
    expectError(await api(relay, 'POST', `/v1/docs/${doc.docId}/edits`, { token: doc.ingestKey, rawBody: '{"batchId":' }), 400, 'invalid_json');
    const form = await api(relay, 'POST', `/v1/docs/${doc.docId}/edits`, { token: doc.ingestKey, rawBody: 'a=b', contentType: 'application/x-www-form-urlencoded' });
    expectError(form, 415, 'unsupported_media_type');
  });

  it('applies the same checks to snapshots', async () => {
    const put = (body: unknown) => api(relay, 'PUT', `/v1/docs/${doc.docId}/snapshot`, { token: doc.ingestKey, body });
    expectError(await put(batch({ ranges: [{ sheet: 'Sheet1', range: 'A1:B1', values: [['x']] }] })), 400, 'shape_mismatch');
    expectError(await put(batch({ edits: [cell('A1', 'x')] })), 400, 'invalid_request');
  });
});

describe('bad publishing requests get a clear 4xx', () => {
  const publish = (body: unknown, token: string | null = relay.adminToken) => api(relay, 'POST', '/v1/docs', { token: token ?? undefined, body });
  const good = { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }] };

  it('401 without a token or with a wrong one', async () => {
    expectError(await publish(good, null), 401, 'unauthorized');
    expectError(await publish(good, 'not-the-admin-token'), 401, 'unauthorized');
    expectError(await publish(good, 'a.b.c'), 401, 'unauthorized');
  });

  it('400 for missing fields, bad ranges, access or allow entries', async () => {
    expectError(await publish({ ...good, ranges: [] }), 400, 'invalid_request');
    expectError(await publish({ ...good, ranges: [{ sheet: 'Sheet1', range: 'A:B' }] }), 400, 'invalid_request');
    expectError(await publish({ ...good, ranges: [{ sheet: '', range: 'A1' }] }), 400, 'invalid_request');
    expectError(await publish({ ...good, access: 'public' }), 400, 'invalid_request');
    expectError(await publish({ ...good, allow: ['not an email'] }), 400, 'invalid_request');
    expectError(await publish({ title: 't', ranges: good.ranges }), 400, 'invalid_request');
  });

  it('413 when the ranges hold more cells than a doc may publish', async () => {
    expectError(await publish({ ...good, ranges: [{ sheet: 'Sheet1', range: 'A1:K100' }] }), 413, 'too_many_cells');
  });

  it('404 for an unknown doc and 400 for an empty change on owner routes', async () => {
    expectError(await api(relay, 'GET', '/v1/docs/nosuchdoc', { token: relay.adminToken }), 404, 'unknown_doc');
    expectError(await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: {} }), 400, 'invalid_request');
    expectError(await api(relay, 'DELETE', `/v1/docs/${doc.docId}`, {}), 401, 'unauthorized');
  });

  it('404 in the error shape for an unknown route', async () => {
    expectError(await api(relay, 'GET', '/v1/nothing'), 404, 'not_found');
  });

  it('400 in the error shape for a path that does not decode', async () => {
    expectError(await api(relay, 'GET', '/v1/shares/%E0%A4%A/snapshot'), 400, 'invalid_request');
  });
});

describe('a share id longer than the contract allows', () => {
  it('gets the same 400 from the view page as from the snapshot route', async () => {
    for (const shareId of ['s'.repeat(65), 's'.repeat(100)]) {
      expectError(await api(relay, 'GET', `/v1/shares/${shareId}/snapshot`), 400, 'invalid_request');
      expectError(await api(relay, 'GET', `/view/${shareId}`), 400, 'invalid_request');
    }
    // Longer still, the router refuses the path before any route sees it, in the same error shape.
    expectError(await api(relay, 'GET', `/v1/shares/${'s'.repeat(128)}/snapshot`), 414, 'uri_too_long');
    expectError(await api(relay, 'GET', `/view/${'s'.repeat(128)}`), 414, 'uri_too_long');
  });
});
