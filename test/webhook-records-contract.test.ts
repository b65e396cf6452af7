// One contract for the webhook records (endpoints, delivery cursors, leases) on every backend.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../relay/store/open.ts';
import type { WebhookRecord } from '../relay/store/webhook-records.ts';
import { dropTestSchemas, storeKinds } from './helpers/stores.ts';

afterAll(dropTestSchemas);

const hook = (id: string, docId: string, createdAt = 1): WebhookRecord => ({
  id,
  docId,
  url: `https://example.com/${id}`,
  sealedSecret: `v1.sealed.${id}`,
  createdAt,
  state: 'active',
  epoch: 1,
  seq: 0,
  attempts: 0,
  nextAttemptAt: 0,
  lastError: null,
  failingSince: null,
  disabledAt: null,
});

const doc = (docId: string) => ({
  docId,
  shareId: `share-${docId}`,
  ownerId: 'admin',
  spreadsheetId: 's',
  title: 't',
  ranges: [{ sheet: 'Sheet1', range: 'A1:B2' }],
  access: 'link' as const,
  allow: [],
  ingestKeyHash: 'h',
});

/** One applied edit on the doc: its seq moves past a webhook's cursor at 0. */
async function edit(stores: Stores, docId: string) {
  const at = Date.now();
  await stores.store.applyBatch(docId, { batchId: `b${at}${Math.random()}`, at, epoch: 1, writes: [{ sheet: 'Sheet1', row: 1, col: 1, value: String(at) }], areas: [{ sheet: 'Sheet1', rect: { top: 1, left: 1, bottom: 1, right: 1 } }], formats: [], incoming: 1 });
}

for (const [name, open] of storeKinds) {
  describe(`${name} webhook records`, () => {
    let stores: Stores;
    afterEach(() => stores?.store.close());

    it("keeps a doc's webhooks, oldest first, counts and deletes them", async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.webhookRecords;
      await records.createWebhook(hook('w2', 'd1', 2));
      await records.createWebhook(hook('w1', 'd1', 1));
      await records.createWebhook(hook('w3', 'd2'));
      expect(await records.getWebhook('w2')).toEqual(hook('w2', 'd1', 2));
      expect((await records.webhooksOf('d1')).map((w) => w.id)).toEqual(['w1', 'w2']);
      expect(await records.countWebhooks('d1')).toBe(2);
      expect(await records.deleteWebhook('d2', 'w1')).toBe(false);
      expect(await records.deleteWebhook('d1', 'w1')).toBe(true);
      expect(await records.getWebhook('w1')).toBeNull();
    });

    it('gives the lease to one owner at a time, until it is released or expires', async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.webhookRecords;
      await records.createWebhook(hook('w1', 'd1'));
      const [a, b] = await Promise.all([records.acquireLease('w1', 'relay-a', 100, 200), records.acquireLease('w1', 'relay-b', 100, 200)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const [holder, other] = a ? ['relay-a', 'relay-b'] : ['relay-b', 'relay-a'];
      expect(await records.acquireLease('w1', other, 150, 250)).toBe(false);
      expect(await records.acquireLease('w1', holder, 150, 250)).toBe(true);
      // the holder alone saves the delivery state
      const state = { ...hook('w1', 'd1'), seq: 7, attempts: 2, nextAttemptAt: 999, lastError: 'answered 500', failingSince: 120 };
      expect(await records.saveDelivery('w1', other, state)).toBe(false);
      expect(await records.saveDelivery('w1', holder, state)).toBe(true);
      expect(await records.getWebhook('w1')).toEqual(state);
      // expired, another may take it; released, anyone may
      expect(await records.acquireLease('w1', other, 300, 400)).toBe(true);
      await records.releaseLease('w1', holder);
      expect(await records.acquireLease('w1', holder, 350, 450)).toBe(false);
      await records.releaseLease('w1', other);
      expect(await records.acquireLease('w1', holder, 350, 450)).toBe(true);
      // a disabled webhook is leased to nobody
      await records.saveDelivery('w1', holder, { ...state, state: 'disabled', disabledAt: 400 });
      await records.releaseLease('w1', holder);
      expect(await records.acquireLease('w1', holder, 500, 600)).toBe(false);
    });

    it('finds the webhooks due: active, behind their doc, out of backoff and not leased', async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.webhookRecords;
      await stores.store.createDoc(doc('d1'));
      const now = Date.now();
      for (const id of ['due', 'waiting', 'disabled', 'leased']) await records.createWebhook(hook(id, 'd1'));
      await records.createWebhook(hook('orphan', 'gone'));
      expect(await records.dueWebhooks(now, 10)).toEqual([]);
      await edit(stores, 'd1');
      await records.acquireLease('waiting', 'x', now, now);
      await records.saveDelivery('waiting', 'x', { ...hook('waiting', 'd1'), nextAttemptAt: now + 60_000 });
      await records.releaseLease('waiting', 'x');
      await records.acquireLease('disabled', 'x', now, now);
      await records.saveDelivery('disabled', 'x', { ...hook('disabled', 'd1'), state: 'disabled' });
      await records.acquireLease('leased', 'x', now, now + 60_000);
      expect(await records.dueWebhooks(now, 10)).toEqual(['due']);
      expect(await records.dueWebhooks(now + 120_000, 10)).toEqual(expect.arrayContaining(['due', 'waiting', 'leased']));
    });

    it("deletes a doc's webhooks, and those of docs no longer published", async () => {
      stores = await open({ historyLimit: 5, batchIdLimit: 3 });
      const records = stores.webhookRecords;
      await stores.store.createDoc(doc('kept'));
      await records.createWebhook(hook('w1', 'kept'));
      await records.createWebhook(hook('w2', 'deleted'));
      await records.createWebhook(hook('w3', 'orphan'));
      await records.deleteWebhooksOf('deleted');
      expect(await records.getWebhook('w1')).not.toBeNull();
      expect(await records.getWebhook('w2')).toBeNull();
      expect(await records.getWebhook('w3')).toBeNull();
    });
  });
}
