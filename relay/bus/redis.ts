// Redis pub/sub between relay instances. Messages go to this instance's own hub at once (no
// round trip) and to the others through one Redis channel. Pub/sub may drop messages, so after
// the subscription reconnects the hub is told to catch every loaded doc up from the store.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Bus, BusMessage } from './bus.ts';

const CHANNEL = 'sheetcast:bus';

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

  private constructor(publisher: RedisClient, subscriber: RedisClient, onError: (error: Error) => void) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#onError = onError;
  }

  static async open(url: string, onError: (error: Error) => void): Promise<RedisBus> {
    const publisher = connectTo(url);
    const subscriber = connectTo(url);
    const bus = new RedisBus(publisher, subscriber, onError);
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
    this.#publisher.publish(CHANNEL, JSON.stringify(envelope)).catch(this.#onError);
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
    if (envelope.from !== this.#id) this.#deliver(envelope.message);
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
