// One contract for every Bus implementation: each runs this same suite. A new bus adds one line
// to `buses` (and, if it has a connection that can drop, a way to drop it).
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, DocEvent } from '../relay/bus/bus.ts';
import { LocalBus } from '../relay/bus/local.ts';
import { RedisBus } from '../relay/bus/redis.ts';
import { eventually, quietPeriod } from './helpers/eventually.ts';
import { TEST_REDIS_URL } from './helpers/services.ts';

interface BusUnderTest {
  /** Opens the bus of one relay instance. */
  open(): Promise<Bus>;
  /** Whether two buses it opens are two instances that reach each other (false: one process, one bus). */
  spansInstances: boolean;
  /** Drops `bus`'s subscription connection for real, for a bus that has one. */
  dropSubscription?(bus: Bus): Promise<void>;
}

// Each Redis bus connects as a Redis user of its own, so that a test drops that bus's subscription
// and nothing else (other test files share the server and the channel).
const admin = createClient({ url: TEST_REDIS_URL });
const redisUsers = new Map<Bus, string>();
beforeAll(async () => void (await admin.connect()));
afterAll(async () => {
  for (const user of redisUsers.values()) await admin.sendCommand(['ACL', 'DELUSER', user]);
  await admin.quit();
});

async function openRedisBus(): Promise<Bus> {
  const user = `sheetcast-bus-test-${randomBytes(6).toString('hex')}`;
  await admin.sendCommand(['ACL', 'SETUSER', user, 'on', `>${user}`, '~*', '&*', '+@all']);
  const url = new URL(TEST_REDIS_URL);
  url.username = user;
  url.password = user;
  // Errors after opening are the dropped connections this suite causes on purpose.
  const bus = await RedisBus.open(url.toString(), () => {});
  redisUsers.set(bus, user);
  return bus;
}

async function dropRedisSubscription(bus: Bus): Promise<void> {
  const killed = await admin.sendCommand(['CLIENT', 'KILL', 'USER', redisUsers.get(bus)!, 'TYPE', 'pubsub']);
  expect(killed).toBe(1);
}

const buses: [string, BusUnderTest][] = [
  ['local', { open: async () => new LocalBus(), spansInstances: false }],
  ['redis', { open: openRedisBus, spansInstances: true, dropSubscription: dropRedisSubscription }],
];

// Other relays may publish on a shared bus at the same time: a test counts only its own docs.
const run = `bus-contract-${randomBytes(4).toString('hex')}`;
let docs = 0;
const newDocId = () => `${run}-${++docs}`;
const presence = (docId = newDocId(), viewers = 1): BusMessage => ({ type: 'presence', docId, instance: randomUUID(), viewers });

function docIdOf(message: BusMessage): string | null {
  if (message.type === 'delta') return message.delta.docId;
  return message.type === 'resync' ? null : message.docId;
}

/** What `bus` delivers from now on, of this run's docs (and every resync). */
function listen(bus: Bus): BusMessage[] {
  const received: BusMessage[] = [];
  bus.subscribe((message) => {
    const docId = docIdOf(message);
    if (docId === null || docId.startsWith(`${run}-`)) received.push(message);
  });
  return received;
}

for (const [name, kind] of buses) {
  describe(`${name} bus`, () => {
    const opened: Bus[] = [];
    const open = async () => {
      const bus = await kind.open();
      opened.push(bus);
      return bus;
    };
    afterEach(async () => void (await Promise.all(opened.splice(0).map((bus) => bus.close()))));

    it('delivers a message to the publishing instance itself at once', async () => {
      const bus = await open();
      const received = listen(bus);
      const message = presence();
      bus.publish(message);
      expect(received).toEqual([message]);
    });

    it('answers a ping while it can deliver', async () => {
      const bus = await open();
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    // One process has no other instance to reach: the local bus is not asked to.
    if (kind.spansInstances) it('delivers a message to every other instance, and to the publisher only once', async () => {
      const [a, b, c] = await Promise.all([open(), open(), open()]);
      const [atA, atB, atC] = [listen(a), listen(b), listen(c)];
      const message = presence();
      a.publish(message);
      await eventually(() => expect([atB, atC]).toEqual([[message], [message]]));
      // Anything b publishes now reaches a after a's own message came back to it through the bus.
      const marker = presence();
      b.publish(marker);
      await eventually(() => expect(atA).toEqual([message, marker]));
    });

    /**
     * Publishes `messages` on one instance: they reach it at once, in order, and another instance
     * that follows their docs in time, intact; each doc's deltas in order (deltas and other
     * messages travel apart, and nothing depends on their order with each other).
     */
    const expectCarried = async (messages: BusMessage[]) => {
      const a = await open();
      const atA = listen(a);
      const b = kind.spansInstances ? await open() : null;
      const atB = b ? listen(b) : null;
      for (const message of messages) if (message.type === 'delta') await b?.follow(message.delta.docId);
      for (const message of messages) a.publish(message);
      expect(atA).toStrictEqual(messages);
      const deltas = messages.filter((m) => m.type === 'delta');
      const others = messages.filter((m) => m.type !== 'delta');
      if (atB) {
        await eventually(() => expect(atB).toHaveLength(messages.length));
        expect(atB.filter((m) => m.type === 'delta')).toStrictEqual(deltas);
        expect(atB.filter((m) => m.type !== 'delta')).toStrictEqual(others);
      }
    };

    it('keeps the order of messages, at the publisher and at every other instance', async () => {
      const docId = newDocId();
      const deltas: BusMessage[] = Array.from({ length: 200 }, (_, i) => ({
        type: 'delta',
        delta: { docId, epoch: 1, seq: i + 1, changes: [{ sheet: 'S', range: 'A1', values: [[String(i)]] }] },
      }));
      await expectCarried(deltas);
    });

    it('carries every type of message intact', async () => {
      const docId = newDocId();
      const events: DocEvent[] = ['epoch', 'settings', 'unpublished'];
      const messages: BusMessage[] = [
        {
          type: 'delta',
          delta: {
            docId,
            epoch: 3,
            seq: 41,
            changes: [
              { sheet: 'Q1 “plan” 📈', range: 'A1:C2', values: [['', null, '0'], ['=SUM(A1:A9)', 'line\nbreak\t"quoted"', 'é'.repeat(1000)]] },
              { sheet: "It's", range: 'Z100', values: [[null]] },
            ],
          },
        },
        ...events.map((event): BusMessage => ({ type: 'doc', docId, event })),
        presence(docId, 0),
        { type: 'resync' },
      ];
      await expectCarried(messages);
    });

    if (kind.spansInstances) it("delivers another instance's deltas of a doc only while this one follows the doc", async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const atB = listen(b);
      const docId = newDocId();
      const delta = (seq: number): BusMessage => ({ type: 'delta', delta: { docId, epoch: 1, seq, changes: [] } });
      a.publish(delta(1));
      const event: BusMessage = { type: 'doc', docId, event: 'settings' };
      a.publish(event); // doc events reach every instance
      await eventually(() => expect(atB).toEqual([event]));
      await b.follow(docId);
      a.publish(delta(2));
      await eventually(() => expect(atB).toEqual([event, delta(2)]));
      b.unfollow(docId);
      await quietPeriod(100); // the unsubscribe reaches Redis
      a.publish(delta(3));
      const marker = presence();
      a.publish(marker);
      await eventually(() => expect(atB).toEqual([event, delta(2), marker]));
      await quietPeriod(200); // the delta travels apart from the marker: give it time to (wrongly) come
      expect(atB).toEqual([event, delta(2), marker]);
    });

    it('delivers nothing more once closed', async () => {
      const a = await open();
      const atA = listen(a);
      await a.close();
      a.publish(presence());
      expect(atA).toEqual([]);
      if (!kind.spansInstances) return;
      const [b, c] = await Promise.all([open(), open()]);
      const atC = listen(c);
      const message = presence();
      b.publish(message);
      await eventually(() => expect(atC).toEqual([message]));
      await quietPeriod(100);
      expect(atA).toEqual([]);
    });

    if (kind.dropSubscription) it('tells the hub to resync after its subscription drops and comes back, and delivers again', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const [atA, atB] = [listen(a), listen(b)];
      // The hub reads the store the moment it hears resync: whatever is published from then on must reach it.
      const later = presence();
      a.subscribe((message) => message.type === 'resync' && b.publish(later));
      await kind.dropSubscription!(a);
      await eventually(() => expect(atA).toEqual([{ type: 'resync' }, later]));
      const fromA = presence();
      a.publish(fromA);
      await eventually(() => expect(atB).toEqual([later, fromA]));
    });
  });
}
