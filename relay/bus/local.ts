import type { Bus, BusMessage } from './bus.ts';

/** One process: delivery is a synchronous call, so a delta reaches the hub in the same tick. */
export class LocalBus implements Bus {
  readonly #handlers: ((message: BusMessage) => void)[] = [];

  publish(message: BusMessage): void {
    for (const handler of this.#handlers) handler(message);
  }

  subscribe(handler: (message: BusMessage) => void): void {
    this.#handlers.push(handler);
  }

  /** One process: every delta is this instance's own. */
  async follow(): Promise<void> {}

  unfollow(): void {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#handlers.length = 0;
  }
}
