// Request rate limits (SPEC.md, "Operations"): per client address and per doc's ingest, answered
// with 429, Retry-After and the spec's error shape; in Redis, so relays of one deployment count together.
import { afterAll, describe, expect, it } from 'vitest';
import { api, cell, postEdits, publishDoc, putSnapshot, snapshotOf, startRelay, type Relay } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

const started: Relay[] = [];
const databases: Awaited<ReturnType<typeof freshDatabase>>[] = [];
let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  await Promise.all([database, ...databases].map((d) => d?.drop()));
});

async function relay(env: Record<string, string>): Promise<Relay> {
  const r = await startRelay({ env });
  started.push(r);
  return r;
}

describe('rate limits', () => {
  it('answers a client address over its requests a minute with 429 and Retry-After', async () => {
    const limited = await relay({ SHEETCAST_RATE_PER_MINUTE: '20' });
    const replies = [];
    for (let i = 0; i < 25; i++) replies.push(await fetch(`${limited.url}/healthz`));
    const refused = replies.filter((r) => r.status === 429);
    // The start's health check spent one; every request after the budget is refused.
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(replies.slice(-1)[0]!.status).toBe(429);
    const last = refused.at(-1)!;
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await last.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^too many requests/) } });
  });

  it('answers a doc over its edits a minute with 429, leaving other docs and the key\'s holder unharmed by wrong keys', async () => {
    const limited = await relay({ SHEETCAST_INGEST_PER_MINUTE: '3' });
    const [doc, other] = [await publishDoc(limited), await publishDoc(limited)];
    // Requests with a wrong key spend their own budget, not the doc's.
    for (let i = 0; i < 5; i++) expect((await postEdits(limited, { ...doc, ingestKey: `wrong-${i}` }, [cell('A1', 'x')])).status).toBe(401);
    for (let i = 1; i <= 3; i++) expect((await postEdits(limited, doc, [cell('A1', String(i))])).status).toBe(200);
    const over = await postEdits(limited, doc, [cell('A1', 'four')]);
    expect(over.status).toBe(429);
    expect((over.body as unknown as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await postEdits(limited, other, [cell('A1', 'other')])).status).toBe(200);
    const metrics = await api(limited, 'GET', '/metrics');
    expect(metrics.body).toMatch(/^sheetcast_rate_limited_total\{limit="ingest"\} 1$/m);
  });

  it('answers a doc\'s ingest key over its value bytes a minute with 429 and Retry-After, applying nothing it refuses', async () => {
    const limited = await relay({ SHEETCAST_MAX_BODY_BYTES: '2048', SHEETCAST_INGEST_BYTES_PER_MINUTE: '3000' });
    const [doc, other] = [await publishDoc(limited), await publishDoc(limited)];
    const kilobyte = 'k'.repeat(1000);
    for (const range of ['A1', 'A2', 'A3']) expect((await postEdits(limited, doc, [cell(range, kilobyte)])).status).toBe(200);
    // 3000 bytes spent: one more byte is over, as a whole snapshot request.
    const over = await putSnapshot(limited, doc, [{ sheet: 'Sheet1', range: 'B1', values: [['x']] }]);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^too many bytes of edits to this doc/) } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Nothing of it was applied, and other docs keep their own budget.
    expect((await snapshotOf(limited, doc.shareId)).ranges[0]!.values[0]![1]).toBe('');
    expect((await postEdits(limited, other, [cell('A1', kilobyte)])).status).toBe(200);
    const metrics = await api(limited, 'GET', '/metrics');
    expect(metrics.body).toMatch(/^sheetcast_rate_limited_total\{limit="ingest_bytes"\} 1$/m);
  });

  it('counts a doc\'s ingest bytes across the relays of one deployment (in Redis)', async () => {
    database ??= await freshDatabase();
    const env = { ...clusterEnv(database.url), SHEETCAST_MAX_BODY_BYTES: '2048', SHEETCAST_INGEST_BYTES_PER_MINUTE: '3000' };
    const [a, b] = [await relay(env), await relay(env)];
    const doc = await publishDoc(a);
    const statuses = [];
    for (const [i, r] of [a, b, a, b].entries()) statuses.push((await postEdits(r, doc, [cell(`A${i + 1}`, 'x'.repeat(1000))])).status);
    // Each relay took two: alone, each would have taken both; together the fourth is over.
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('counts a client\'s requests across the relays of one deployment (in Redis)', async () => {
    database ??= await freshDatabase();
    const env = { ...clusterEnv(database.url), SHEETCAST_RATE_PER_MINUTE: '10' };
    const [a, b] = [await relay(env), await relay(env)];
    const statuses = [];
    for (let i = 0; i < 6; i++) for (const r of [a, b]) statuses.push((await fetch(`${r.url}/healthz`)).status);
    // 12 requests and two start-up health checks against one budget of 10: each relay alone would allow them all.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
  });
});

describe('quotas', () => {
  it('refuses a publisher beyond SHEETCAST_MAX_DOCS_PER_PUBLISHER docs, and takes one again after an unpublish', async () => {
    const limited = await relay({ SHEETCAST_MAX_DOCS_PER_PUBLISHER: '2' });
    const [first] = [await publishDoc(limited), await publishDoc(limited)];
    const third = await api(limited, 'POST', '/v1/docs', { token: limited.adminToken, body: { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] } });
    expect(third.status).toBe(403);
    expect(third.body.error.code).toBe('too_many_docs');
    expect((await api(limited, 'DELETE', `/v1/docs/${first!.docId}`, { token: limited.adminToken })).status).toBe(204);
    expect((await publishDoc(limited)).docId).toBeTypeOf('string');
  });

  it('takes exactly SHEETCAST_MAX_DOCS_PER_PUBLISHER of many publishes sent at once to two relays', async () => {
    // Postgres, where two relays' publishes really overlap. A database of its own: the other
    // tests' docs are the same publisher's (the admin token).
    const own = await freshDatabase();
    databases.push(own);
    const env = { ...clusterEnv(own.url), SHEETCAST_MAX_DOCS_PER_PUBLISHER: '3' };
    const [a, b] = [await relay(env), await relay(env)];
    const body = { spreadsheetId: 's', title: 't', ranges: [{ sheet: 'S', range: 'A1' }] };
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => api(i % 2 ? a : b, 'POST', '/v1/docs', { token: a.adminToken, body })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    expect(replies.filter((r) => r.status === 403).map((r) => r.body.error.code)).toEqual(Array(9).fill('too_many_docs'));
  });

  it('refuses whole, with 413 doc_too_large, an edit that would make a doc hold more than SHEETCAST_DOC_BYTES', async () => {
    const limited = await relay({ SHEETCAST_DOC_BYTES: '2048' });
    const doc = await publishDoc(limited);
    expect((await postEdits(limited, doc, [cell('A1', 'a'.repeat(1500))])).status).toBe(200);
    const over = await postEdits(limited, doc, [{ sheet: 'Sheet1', range: 'B1:C1', values: [['b', 'c'.repeat(600)]] }]);
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ error: { code: 'doc_too_large', message: expect.stringMatching(/2101 bytes.*2048.*SHEETCAST_DOC_BYTES.*nothing was applied/) } });
    const snapshot = await snapshotOf(limited, doc.shareId);
    expect(snapshot.seq).toBe(1);
    expect(snapshot.ranges[0]!.values[0]).toEqual(['a'.repeat(1500), '', '']);
    // Overwriting what is there counts what it frees.
    expect((await postEdits(limited, doc, [{ sheet: 'Sheet1', range: 'A1:B1', values: [['a', 'b'.repeat(2000)]] }])).status).toBe(200);
  });
});
