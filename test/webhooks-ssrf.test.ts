// Webhook targets (SSRF): without SHEETCAST_WEBHOOKS_ALLOW_PRIVATE only https to public addresses,
// judged after DNS resolution when registering and again when connecting; redirects never followed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookInfo } from '../protocol/webhooks.ts';
import { send } from '../relay/webhooks/send.ts';
import { addWebhook, FAST_WEBHOOKS, api, cell, eventually, postEdits, publishDoc, startReceiver, startRelay, testSecretKey, type Receiver, type Relay } from './helpers/index.ts';

let relay: Relay;
let receiver: Receiver;
beforeAll(async () => {
  relay = await startRelay({ env: { SHEETCAST_SECRET_KEY: testSecretKey() } });
});
afterAll(() => relay.stop());
afterEach(() => receiver?.close());

const register = (docId: string, url: string, on = relay) => api(on, 'POST', `/v1/docs/${docId}/webhooks`, { token: on.adminToken, body: { url } });

describe('webhook targets', () => {
  it('refuses private, loopback, link-local, unique-local, multicast and unspecified targets, a name resolving to one included', async () => {
    const doc = await publishDoc(relay);
    const refused = [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://2130706433/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.1.2.3/hook',
      'https://172.16.0.1/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hook',
      'https://[fd12:3456::1]/hook',
      'https://224.0.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[::]/hook',
    ];
    for (const url of refused) {
      const reply = await register(doc.docId, url);
      expect([url, reply.status, reply.body.error.code]).toEqual([url, 400, 'webhook_target_refused']);
    }
    expect((await register(doc.docId, 'https://localhost/hook')).body.error.message).toMatch(/localhost → (127\.0\.0\.1|::1) is in the loopback range/);
    // plain http is refused too; a public https address is taken
    expect((await register(doc.docId, 'http://93.184.216.34/hook')).body.error.code).toBe('invalid_webhook_url');
    expect((await register(doc.docId, 'https://93.184.216.34/hook')).status).toBe(201);
    expect((await api<WebhookInfo[]>(relay, 'GET', `/v1/docs/${doc.docId}/webhooks`, { token: relay.adminToken })).body.map((w) => w.url)).toEqual(['https://93.184.216.34/hook']);
  });

  it('checks the address again when connecting: a name that resolves to loopback, or an IPv6 loopback, gets no request', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const options = { timeoutMs: 2000, allowPrivate: false };
    for (const url of [`http://localhost:${port}/hook`, `http://[::1]:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
      const outcome = await send(new URL(url), '{}', {}, options);
      expect([url, outcome]).toEqual([url, { ok: false, refused: true, error: expect.stringMatching(/^refused: .* is in the loopback range$/) }]);
    }
    expect(receiver.deliveries).toEqual([]);
    // the same request is made when private targets are allowed
    expect(await send(new URL(`http://localhost:${port}/hook`), '{}', {}, { ...options, allowPrivate: true })).toEqual({ ok: true, status: 204 });
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('does not follow a redirect: a 3xx is a failed delivery, retried, with the reason in GET', async () => {
    const open = await startRelay({ env: { ...FAST_WEBHOOKS, SHEETCAST_SECRET_KEY: testSecretKey() } });
    receiver = await startReceiver();
    const elsewhere = await startReceiver();
    receiver.answer = () => 307;
    receiver.redirectTo = elsewhere.url;
    try {
      const doc = await publishDoc(open);
      await addWebhook(open, doc.docId, receiver.url);
      await postEdits(open, doc, [cell('A1', 'x')]);
      await eventually(() => expect(receiver.deliveries.length).toBeGreaterThan(1));
      const [hook] = (await api<WebhookInfo[]>(open, 'GET', `/v1/docs/${doc.docId}/webhooks`, { token: open.adminToken })).body;
      expect(hook).toMatchObject({ state: 'active', delivered: { epoch: 1, seq: 0 }, failingSince: expect.any(Number) });
      expect(hook!.lastError).toBe(`answered 307 (a redirect to ${elsewhere.url}); redirects are not followed`);
      expect(elsewhere.deliveries).toEqual([]);
    } finally {
      await elsewhere.close();
      await open.stop();
    }
  });
});
