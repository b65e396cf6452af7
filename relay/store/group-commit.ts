// Group commit: the items that arrive while the previous group commits (or in one turn of the
// event loop) are committed together, so one commit — one fsync — answers them all. One group
// is in flight at a time, and each caller is answered with its own outcome.

export type Settled<R> = { ok: R } | { error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve(outcome: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  readonly #commit: (group: T[]) => Promise<Settled<R>[]>;
  #queued: Waiting<T, R>[] = [];
  #flushing: Promise<void> | null = null;
  /** The answer to the newest item: when it is settled, so is every item queued before it. */
  #newest: Promise<R> | null = null;

  constructor(commit: (group: T[]) => Promise<Settled<R>[]>) {
    this.#commit = commit;
  }

  add(item: T): Promise<R> {
    const answer = new Promise<R>((resolve, reject) => this.#queued.push({ item, resolve, reject }));
    this.#newest = answer;
    this.#flushing ??= this.#flush();
    return answer;
  }

  /** Settles once every item queued so far is committed; later arrivals do not hold it up. */
  async drain(): Promise<void> {
    await this.#newest?.then(
      () => {},
      () => {},
    );
  }

  async #flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queued.length > 0) {
      const group = this.#queued;
      this.#queued = [];
      const outcomes = await this.#commit(group.map((w) => w.item)).catch((error: unknown) => group.map(() => ({ error })));
      group.forEach((w, i) => {
        const outcome = outcomes[i]!;
        if ('ok' in outcome) w.resolve(outcome.ok);
        else w.reject(outcome.error);
      });
    }
    this.#flushing = null;
  }
}
