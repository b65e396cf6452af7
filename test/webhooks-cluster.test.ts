// Two relays on one Postgres and one Redis deliver to an endpoint once per delta: both hear every
// delta and both sweep, but only the holder of the endpoint's lease delivers, from the stored cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebhook, FAST_WEBHOOKS, cell, eventually, postEdits, publishDoc, startReceiver, startRelay, testSecretKey, type Receiver, type Relay } from './helpers/index.ts';
import { clusterEnv, freshDatabase } from './helpers/services.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: Relay;
let b: Relay;
let receiver: Receiver;

beforeAll(async () => {
  database = await freshDatabase();
  const env = {
    ...clusterEnv(database.url),
    ...FAST_WEBHOOKS,
    SHEETCAST_SECRET_KEY: testSecretKey(),
    SHEETCAST_WEBHOOK_SWEEP_MS: '50',
  };
  a = await startRelay({ env });
  b = await startRelay({ env });
  receiver = await startReceiver();
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await receiver?.close();
  await database?.drop();
});

describe('webhooks on several relays', () => {
  it('delivers each delta once, in order, while both relays take edits and the receiver fails twice', async () => {
    const doc = await publishDoc(a, { ranges: [{ sheet: 'Sheet1', range: 'A1:B20' }] });
    const hook = await addWebhook(b, doc.docId, receiver.url);
    receiver.answer = (_delivery, index) => (index === 5 || index === 17 ? 500 : 200);
    await Promise.all(
      [a, b].map(async (relay, i) => {
        for (let n = 1; n <= 20; n++) expect((await postEdits(relay, doc, [cell(`${'AB'[i]}${n}`, `${i}-${n}`)])).status).toBe(200);
      }),
    );
    await eventually(() => expect(receiver.accepted()).toHaveLength(40), { timeoutMs: 20_000 });
    await postEdits(a, doc, [cell('A1', 'last')]);
    await eventually(() => expect(receiver.accepted().at(-1)?.event.seq).toBe(41));

    expect(receiver.accepted().map((d) => d.event.seq)).toEqual(Array.from({ length: 41 }, (_, n) => n + 1));
    expect(receiver.deliveries).toHaveLength(43);
    expect(new Set(receiver.accepted().map((d) => d.headers['webhook-id'])).size).toBe(41);
    expect(receiver.accepted().every((d) => d.headers['webhook-id'] === `msg_${hook.id}_1_${d.event.seq}`)).toBe(true);
  });
});
