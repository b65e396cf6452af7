// Redis pub/sub between relay instances. Messages go to this instance's own hub at once (no
// round trip) and to the others through Redis: each doc's deltas on a channel of their own, which
// an instance subscribes to only while it has viewers of the doc, so an instance never parses
// deltas nobody there watches; doc events and presence on one channel for all. Doc channels are
// sharded pub/sub (SSUBSCRIBE, Redis 7): in a Redis Cluster a message stays on the shard that
// owns its channel instead of being copied to every node. Pub/sub may drop messages, so after
// the subscription reconnects the hub is told to catch every loaded doc up from the store.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Bus, BusMessage } from './bus.ts';

const CHANNEL = 'sheetcast:bus';
const deltaChannel = (docId: string) => `sheetcast:delta:${docId}`;

/** What the bus reports: every message it received from another instance, by type. */
export type BusReceived = (type: BusMessage['type']) => void;

interface Envelope {
  from: string;
  message: BusMessage;
}

/** Fails at once while connecting for the first time (a wrong REDIS_URL); later, retries with backoff. */
const connectTo = (url: string) => {
  let connectedOnce = false;
  const client = createClient({
    url,
    socket: {
      reconnectStrategy: (retries: number, cause: Error) => (connectedOnce ? Math.min(100 * 2 ** retries, 3000) : cause),
    },
  });
  client.once('ready', () => (connectedOnce = true));
  return client;
};
type RedisClient = ReturnType<typeof connectTo>;

export class RedisBus implements Bus {
  readonly #id = randomUUID();
  readonly #publisher: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #handlers: ((message: BusMessage) => void)[] = [];
  readonly #onError: (error: Error) => void;
  readonly #received: BusReceived;
  readonly #followed = new Set<string>();

  private constructor(publisher: RedisClient, subscriber: RedisClient, onError: (error: Error) => void, received: BusReceived) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#onError = onError;
    this.#received = received;
  }

  static async open(url: string, onError: (error: Error) => void, received: BusReceived = () => {}): Promise<RedisBus> {
    const publisher = connectTo(url);
    const subscriber = connectTo(url);
    const bus = new RedisBus(publisher, subscriber, onError, received);
    // A failed first connection is reported once, by the rejected open(); later errors are logged.
    let opened = false;
    for (const client of [publisher, subscriber]) client.on('error', (error: Error) => opened && onError(error));
    await Promise.all([publisher.connect(), subscriber.connect()]).catch(async (error: unknown) => {
      await Promise.allSettled([publisher.destroy(), subscriber.destroy()]);
      throw error;
    });
    opened = true;
    await subscriber.subscribe(CHANNEL, (raw) => bus.#receive(raw));
    let connected = true;
    subscriber.on('end', () => (connected = false));
    subscriber.on('reconnecting', () => (connected = false));
    subscriber.on('ready', () => {
      if (connected) return;
      connected = true;
      bus.#deliver({ type: 'resync' });
    });
    return bus;
  }

  publish(message: BusMessage): void {
    this.#deliver(message);
    const envelope: Envelope = { from: this.#id, message };
    const sent =
      message.type === 'delta'
        ? this.#publisher.sPublish(deltaChannel(message.delta.docId), JSON.stringify(envelope))
        : this.#publisher.publish(CHANNEL, JSON.stringify(envelope));
    sent.catch(this.#onError);
  }

  async follow(docId: string): Promise<void> {
    if (this.#followed.has(docId)) return;
    this.#followed.add(docId);
    await this.#subscriber.sSubscribe(deltaChannel(docId), (raw) => this.#receive(raw));
  }

  unfollow(docId: string): void {
    if (!this.#followed.delete(docId)) return;
    this.#subscriber.sUnsubscribe(deltaChannel(docId)).catch(this.#onError);
  }

  subscribe(handler: (message: BusMessage) => void): void {
    this.#handlers.push(handler);
  }

  #receive(raw: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw);
    } catch {
      return this.#onError(new Error('unreadable message on the Redis bus'));
    }
    if (envelope.from === this.#id) return;
    this.#received(envelope.message.type);
    this.#deliver(envelope.message);
  }

  #deliver(message: BusMessage): void {
    for (const handler of this.#handlers) handler(message);
  }

  async ping(): Promise<void> {
    await Promise.all([this.#publisher.ping(), this.#subscriber.isReady ? Promise.resolve() : Promise.reject(new Error('Redis subscription is down'))]);
  }

  async close(): Promise<void> {
    this.#handlers.length = 0;
    await Promise.allSettled([this.#subscriber.quit(), this.#publisher.quit()]);
  }
}
