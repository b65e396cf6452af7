// The owner's webhook routes on the real relay: who may use them, what they refuse, the cap per doc,
// deleting (a webhook, or its doc), the 503 without SHEETCAST_SECRET_KEY, and a restart with
// deliveries pending that loses none and keeps their order.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookInfo } from '../protocol/webhooks.ts';
import { addWebhook, FAST_WEBHOOKS, api, cell, eventually, postEdits, publishDoc, quietPeriod, startReceiver, startRelay, testSecretKey, type Receiver, type Relay } from './helpers/index.ts';


let relay: Relay;
let receiver: Receiver;
beforeAll(async () => {
  relay = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey(), SHEETCAST_WEBHOOKS_PER_DOC: '2' } });
});
afterAll(() => relay.stop());
afterEach(() => receiver?.close());

const hooksPath = (docId: string) => `/v1/docs/${docId}/webhooks`;

/** The webhook rows the relay's SQLite file holds for a doc (read beside the running relay). */
function storedWebhooks(of: Relay, docId: string): number {
  const db = new DatabaseSync(join(of.dataDir, 'sheetcast.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM webhooks WHERE doc_id = ?').get(docId) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('webhook routes', () => {
  it('are the owner\'s: without the publisher\'s token 401, an unknown doc or webhook 404', async () => {
    const doc = await publishDoc(relay);
    const url = 'http://127.0.0.1:9/hook';
    expect((await api(relay, 'POST', hooksPath(doc.docId), { body: { url } })).body.error.code).toBe('unauthorized');
    expect((await api(relay, 'GET', hooksPath(doc.docId), { token: doc.ingestKey })).status).toBe(401);
    expect((await api(relay, 'GET', hooksPath('nosuchdoc'), { token: relay.adminToken })).body.error.code).toBe('unknown_doc');
    expect((await api(relay, 'DELETE', `${hooksPath(doc.docId)}/nosuchhook`, { token: relay.adminToken })).body.error.code).toBe('unknown_webhook');
    expect(await api(relay, 'GET', hooksPath(doc.docId), { token: relay.adminToken })).toMatchObject({ status: 200, body: [] });
  });

  it('refuses a body that is not {url} with an absolute URL, and changes nothing', async () => {
    const doc = await publishDoc(relay);
    for (const body of [{}, { url: 'x', extra: 1 }, { url: 42 }, { url: 'http://a b/' }]) {
      expect((await api(relay, 'POST', hooksPath(doc.docId), { token: relay.adminToken, body })).body.error.code).toBe('invalid_request');
    }
    for (const url of ['not-a-url', '/relative', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1/x', 'http://no-such-host.invalid/x']) {
      const reply = await api(relay, 'POST', hooksPath(doc.docId), { token: relay.adminToken, body: { url } });
      expect([url, reply.status, reply.body.error.code]).toEqual([url, 400, 'invalid_webhook_url']);
    }
    expect((await api(relay, 'GET', hooksPath(doc.docId), { token: relay.adminToken })).body).toEqual([]);
  });

  it('caps the webhooks of a doc (SHEETCAST_WEBHOOKS_PER_DOC) with 403', async () => {
    const doc = await publishDoc(relay);
    const first = await api(relay, 'POST', hooksPath(doc.docId), { token: relay.adminToken, body: { url: 'http://127.0.0.1:9/a' } });
    // the answer holds the signing secret
    expect([first.status, first.headers.get('cache-control')]).toEqual([201, 'no-store']);
    await addWebhook(relay, doc.docId, 'http://127.0.0.1:9/b');
    const third = await api(relay, 'POST', hooksPath(doc.docId), { token: relay.adminToken, body: { url: 'http://127.0.0.1:9/c' } });
    expect([third.status, third.body.error.code]).toEqual([403, 'too_many_webhooks']);
    expect((await api<WebhookInfo[]>(relay, 'GET', hooksPath(doc.docId), { token: relay.adminToken })).body.map((w) => w.url)).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
  });

  it('stops delivering to a deleted webhook', async () => {
    receiver = await startReceiver();
    const doc = await publishDoc(relay);
    const hook = await addWebhook(relay, doc.docId, receiver.url);
    await postEdits(relay, doc, [cell('A1', '1')]);
    await eventually(() => expect(receiver.accepted()).toHaveLength(1));
    expect((await api(relay, 'DELETE', `${hooksPath(doc.docId)}/${hook.id}`, { token: relay.adminToken })).status).toBe(204);
    expect((await api(relay, 'DELETE', `${hooksPath(doc.docId)}/${hook.id}`, { token: relay.adminToken })).status).toBe(404);
    await postEdits(relay, doc, [cell('A1', '2')]);
    await quietPeriod(400);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('deletes a doc\'s webhooks with the doc', async () => {
    const doc = await publishDoc(relay);
    await addWebhook(relay, doc.docId, 'http://127.0.0.1:9/a');
    expect(storedWebhooks(relay, doc.docId)).toBe(1);
    expect((await api(relay, 'DELETE', `/v1/docs/${doc.docId}`, { token: relay.adminToken })).status).toBe(204);
    await eventually(() => expect(storedWebhooks(relay, doc.docId)).toBe(0));
  });

  it('answers 503 naming SHEETCAST_SECRET_KEY on a relay without it', async () => {
    const keyless = await startRelay({ env: FAST_WEBHOOKS });
    try {
      const doc = await publishDoc(keyless);
      for (const [method, path] of [['POST', hooksPath(doc.docId)], ['GET', hooksPath(doc.docId)], ['DELETE', `${hooksPath(doc.docId)}/x`]] as const) {
        const reply = await api(keyless, method, path, { token: keyless.adminToken, body: method === 'POST' ? { url: 'http://127.0.0.1:9/' } : undefined });
        expect(reply.status).toBe(503);
        expect(reply.body.error).toEqual({ code: 'webhooks_not_configured', message: expect.stringContaining('SHEETCAST_SECRET_KEY') });
      }
    } finally {
      await keyless.stop();
    }
  });
});

describe('a relay restart with deliveries pending', () => {
  it('delivers every delta once the relay is back, in order, from the stored cursor', async () => {
    const restarting = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey() } });
    receiver = await startReceiver();
    let down = true;
    receiver.answer = () => (down ? 503 : 200);
    try {
      const doc = await publishDoc(restarting);
      await addWebhook(restarting, doc.docId, receiver.url);
      for (const v of ['1', '2', '3']) await postEdits(restarting, doc, [cell('A1', v)]);
      await eventually(() => expect(receiver.deliveries.length).toBeGreaterThan(1));
      expect(await restarting.stop()).toBe(0);
      expect(receiver.accepted()).toEqual([]);

      down = false;
      await restarting.restart();
      for (const v of ['4', '5']) await postEdits(restarting, doc, [cell('A1', v)]);
      await eventually(() => expect(receiver.accepted().map((d) => d.event.seq)).toEqual([1, 2, 3, 4, 5]));
      // before the restart only seq 1 was tried: nothing later went ahead of it
      expect(receiver.deliveries.filter((d) => d.status === 503).every((d) => d.event.seq === 1)).toBe(true);
    } finally {
      await restarting.stop();
    }
  });

  it('takes over from a relay killed mid-delivery once its lease has expired', async () => {
    // A short timeout makes a short lease (twice the timeout and 5 s).
    const crashing = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey(), SHEETCAST_WEBHOOK_TIMEOUT_MS: '2000' } });
    receiver = await startReceiver();
    receiver.answer = () => 0;
    try {
      const doc = await publishDoc(crashing);
      await addWebhook(crashing, doc.docId, receiver.url);
      for (const v of ['1', '2']) await postEdits(crashing, doc, [cell('A1', v)]);
      // killed while its first delivery waits for an answer: the lease is still the dead relay's
      await eventually(() => expect(receiver.deliveries).toHaveLength(1));
      await crashing.kill();
      receiver.answer = () => 200;
      await crashing.restart();
      await eventually(() => expect(receiver.accepted().map((d) => d.event.seq)).toEqual([1, 2]), { timeoutMs: 30_000 });
      expect(receiver.deliveries.map((d) => [d.event.seq, d.status])).toEqual([[1, 0], [1, 200], [2, 200]]);
    } finally {
      await crashing.stop();
    }
  }, 40_000);

  it('tells the owner, through GET, when the relay comes back with another SHEETCAST_SECRET_KEY', async () => {
    const before = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey() } });
    const doc = await publishDoc(before);
    await addWebhook(before, doc.docId, 'http://127.0.0.1:9/hook');
    await before.stop();
    const after = await startRelay({ dataDir: before.dataDir, env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey(), SHEETCAST_ADMIN_TOKEN: before.adminToken } });
    try {
      await postEdits(after, doc, [cell('A1', 'x')]);
      await eventually(async () => {
        const [hook] = (await api<WebhookInfo[]>(after, 'GET', hooksPath(doc.docId), { token: after.adminToken })).body;
        expect(hook).toMatchObject({ state: 'active', delivered: { epoch: 1, seq: 0 }, lastError: expect.stringContaining('SHEETCAST_SECRET_KEY is not the key') });
      });
    } finally {
      await after.stop();
    }
  });
});
