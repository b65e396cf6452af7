// Webhooks through the real relay and a loopback receiver: signed per Standard Webhooks (checked with
// the reference library), in seq order at least once across a failing receiver (a relay restart: webhooks-routes),
// a snapshot event where deltas cannot be resumed, and disabled after the failure window.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookInfo } from '../protocol/webhooks.ts';
import { retryDelay } from '../relay/webhooks/deliverer.ts';
import { addWebhook, FAST_WEBHOOKS, api, cell, eventually, postEdits, publishDoc, startReceiver, startRelay, testSecretKey, verify, type Receiver, type Relay } from './helpers/index.ts';

let relay: Relay;
let receiver: Receiver;
beforeAll(async () => {
  relay = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey(), SHEETCAST_WEBHOOKS_PER_DOC: '3' } });
});
afterAll(() => relay.stop());
afterEach(() => receiver?.close());

const seqs = (deliveries: { event: { seq: number } }[]) => deliveries.map((d) => d.event.seq);
const list = async (docId: string) => (await api<WebhookInfo[]>(relay, 'GET', `/v1/docs/${docId}/webhooks`, { token: relay.adminToken })).body;

async function editInTurn(doc: Awaited<ReturnType<typeof publishDoc>>, values: string[]) {
  for (const value of values) expect((await postEdits(relay, doc, [cell('A1', value)])).status).toBe(200);
}

describe('webhook deliveries', () => {
  it('posts each delta as a sheet.delta event signed per Standard Webhooks, and the cursor shows in GET', async () => {
    receiver = await startReceiver();
    const doc = await publishDoc(relay);
    await postEdits(relay, doc, [cell('A1', 'before')]);
    const hook = await addWebhook(relay, doc.docId, receiver.url);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await editInTurn(doc, ['one', 'two']);

    await eventually(() => expect(seqs(receiver.accepted())).toEqual([2, 3]));
    const [first] = receiver.deliveries;
    expect(verify(hook.secret, first!)).toEqual({ type: 'sheet.delta', docId: doc.docId, epoch: 1, seq: 2, changes: [{ sheet: 'Sheet1', range: 'A1', values: [['one']] }] });
    expect(first!.headers['webhook-id']).toBe(`msg_${hook.id}_1_2`);
    expect(first!.headers['content-type']).toBe('application/json');
    // another secret does not verify it
    expect(() => verify('whsec_' + Buffer.alloc(32, 1).toString('base64'), first!)).toThrow();

    await eventually(async () => expect(await list(doc.docId)).toEqual([
      { id: hook.id, url: receiver.url, state: 'active', createdAt: expect.any(Number), delivered: { epoch: 1, seq: 3 }, lastError: null, failingSince: null, disabledAt: null },
    ]));
    expect(JSON.stringify(await list(doc.docId))).not.toContain(hook.secret.slice(6));
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^sheetcast_webhook_deliveries_total\{outcome="delivered"\} [2-9]/m);
  });

  it('keeps seq order across a failing receiver: the failed delta is retried before any later one', async () => {
    receiver = await startReceiver();
    receiver.answer = (_delivery, index) => (index === 1 || index === 2 ? 500 : 200);
    const doc = await publishDoc(relay);
    await addWebhook(relay, doc.docId, receiver.url);
    await editInTurn(doc, ['1', '2', '3', '4', '5']);

    await eventually(() => expect(seqs(receiver.accepted())).toEqual([1, 2, 3, 4, 5]));
    expect(seqs(receiver.deliveries)).toEqual([1, 2, 2, 2, 3, 4, 5]);
    // the retries were the same message
    expect(new Set(receiver.deliveries.slice(1, 4).map((d) => d.headers['webhook-id'])).size).toBe(1);
  });

  it('sends one sheet.snapshot when the doc starts a new epoch, then goes on with its deltas', async () => {
    receiver = await startReceiver();
    const doc = await publishDoc(relay);
    const hook = await addWebhook(relay, doc.docId, receiver.url);
    await editInTurn(doc, ['a']);
    await eventually(() => expect(receiver.accepted()).toHaveLength(1));
    const ranges = [{ sheet: 'Sheet1', range: 'A1:B2' }];
    expect((await api(relay, 'PATCH', `/v1/docs/${doc.docId}`, { token: relay.adminToken, body: { ranges } })).status).toBe(200);
    // no delta follows the change of ranges: the sweep finds the endpoint behind the doc's new epoch
    await eventually(() => expect(receiver.accepted()).toHaveLength(2));
    await editInTurn(doc, ['b']);

    const kinds = () => receiver.accepted().map((d) => [d.event.type, d.event.epoch, d.event.seq]);
    await eventually(() => expect(kinds()).toEqual([['sheet.delta', 1, 1], ['sheet.snapshot', 2, 1], ['sheet.delta', 2, 2]]));
    expect(verify(hook.secret, receiver.accepted()[1]!)).toEqual({
      type: 'sheet.snapshot', docId: doc.docId, epoch: 2, seq: 1, title: 'Scores',
      ranges: [{ sheet: 'Sheet1', range: 'A1:B2', values: [['a', ''], ['', '']] }],
    });
    expect(receiver.accepted()[1]!.headers['webhook-id']).toBe(`msg_${hook.id}_2_1_snapshot`);
    await eventually(async () => expect((await list(doc.docId))[0]!.delivered).toEqual({ epoch: 2, seq: 2 }));
  });

  it('disables an endpoint that fails for the whole window, and says why in GET', async () => {
    const failing = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey(), SHEETCAST_WEBHOOK_DISABLE_AFTER_MS: '1000' } });
    receiver = await startReceiver();
    receiver.answer = () => 503;
    try {
      const doc = await publishDoc(failing);
      await api(failing, 'POST', `/v1/docs/${doc.docId}/webhooks`, { token: failing.adminToken, body: { url: receiver.url } });
      await postEdits(failing, doc, [cell('A1', 'x')]);
      const [hook] = await eventually(async () => {
        const hooks = (await api<WebhookInfo[]>(failing, 'GET', `/v1/docs/${doc.docId}/webhooks`, { token: failing.adminToken })).body;
        expect(hooks[0]!.state).toBe('disabled');
        return hooks;
      });
      expect(hook!.lastError).toMatch(/^answered 503; failing since .*, so disabled$/);
      expect(hook!.disabledAt! - hook!.failingSince!).toBeGreaterThanOrEqual(1000);
      expect(hook!.delivered).toEqual({ epoch: 1, seq: 0 });
      expect(receiver.deliveries.length).toBeGreaterThan(1);
      const metrics = await (await fetch(`${failing.url}/metrics`)).text();
      expect(metrics).toMatch(/^sheetcast_webhooks_disabled_total 1$/m);
      expect(metrics).toMatch(/^sheetcast_webhook_deliveries_total\{outcome="failed"\} [1-9]/m);
      expect(metrics).toMatch(/^sheetcast_webhook_delivery_seconds_count [1-9]/m);
      // disabled: later edits are not delivered
      const attempts = receiver.deliveries.length;
      await postEdits(failing, doc, [cell('A1', 'y')]);
      await postEdits(failing, doc, [cell('A1', 'z')]);
      await eventually(async () => expect((await api(failing, 'GET', `/v1/docs/${doc.docId}`, { token: failing.adminToken })).body.seq).toBe(3));
      expect(receiver.deliveries.length).toBe(attempts);
    } finally {
      await failing.stop();
    }
  });
});

describe('retry backoff', () => {
  it('doubles from the first delay up to the maximum, each delay drawn between half and all of it', () => {
    const config = { retryMs: 1000, maxRetryMs: 10_000 };
    for (const [attempts, full] of [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [40, 10_000]] as const) {
      const delays = Array.from({ length: 200 }, () => retryDelay(config, attempts));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(full / 2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(full);
      // jitter: retries of endpoints that failed together spread out
      expect(new Set(delays).size).toBeGreaterThan(50);
    }
  });
});
