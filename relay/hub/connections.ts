// Per-address connection limits: one address may hold only so many viewer sockets on this
// instance, so a single client cannot take every slot.
export class ConnectionLimits {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(maxPerAddress: number) {
    this.#max = maxPerAddress;
  }

  /** Counts a new socket from `ip`; false, counting nothing, when the address is at its limit. */
  take(ip: string): boolean {
    const open = this.#open.get(ip) ?? 0;
    if (open >= this.#max) return false;
    this.#open.set(ip, open + 1);
    return true;
  }

  /** A socket counted for `ip` closed. */
  release(ip: string): void {
    const left = (this.#open.get(ip) ?? 1) - 1;
    if (left > 0) this.#open.set(ip, left);
    else this.#open.delete(ip);
  }
}
