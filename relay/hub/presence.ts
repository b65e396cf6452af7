// Presence and pings: every instance tells the others how many viewers of each doc it has, each
// doc's viewers hear the total when it changes, and a viewer that misses a ping is cut off.
import type { Viewer } from './viewer.ts';
import type { PresenceFrame } from '../../protocol/wire.ts';
import type { Bus } from '../bus/bus.ts';
import type { Broadcast } from './broadcast.ts';
import type { HubOptions } from './hub.ts';
import { toFrame } from './live-doc.ts';
import type { LiveDocs } from './live-docs.ts';

export class Presence {
  readonly #instance: string;
  readonly #bus: Bus;
  readonly #docs: LiveDocs;
  readonly #broadcast: Broadcast;
  readonly #unanswered = new WeakSet<Viewer>();
  readonly #timers: NodeJS.Timeout[];

  constructor(instance: string, bus: Bus, docs: LiveDocs, broadcast: Broadcast, options: HubOptions) {
    this.#instance = instance;
    this.#bus = bus;
    this.#docs = docs;
    this.#broadcast = broadcast;
    this.#timers = [
      setInterval(() => this.#report(), options.presenceIntervalMs),
      setInterval(() => this.#ping(), options.pingIntervalMs),
    ];
    for (const t of this.#timers) t.unref();
  }

  /** Viewers of a doc across every instance that reports to this one. */
  viewerCount(docId: string): number {
    return this.#docs.get(docId)?.viewerCount(Date.now()) ?? 0;
  }

  /** Another instance's count, kept while the doc is loaded here. */
  heard(docId: string, instance: string, viewers: number): void {
    const live = this.#docs.get(docId);
    if (live && instance !== this.#instance) live.heard(instance, viewers, Date.now());
  }

  /** This instance unloaded the doc: it has no viewers of it any more. */
  left(docId: string): void {
    this.#bus.publish({ type: 'presence', docId, instance: this.#instance, viewers: 0 });
  }

  /** A viewer that joined is pinged from now on. */
  watch(socket: Viewer): void {
    socket.on('pong', () => this.#unanswered.delete(socket));
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
  }

  #report(): void {
    const now = Date.now();
    for (const live of this.#docs.values()) {
      const local = live.localReportDue(now);
      if (local !== null) this.#bus.publish({ type: 'presence', docId: live.docId, instance: this.#instance, viewers: local });
      const viewers = live.presenceChange(now);
      if (viewers !== null) this.#broadcast.send(live, toFrame({ type: 'presence', viewers } satisfies PresenceFrame));
    }
  }

  #ping(): void {
    for (const live of this.#docs.values()) {
      for (const socket of live.viewers) {
        if (this.#unanswered.has(socket)) {
          socket.terminate();
          continue;
        }
        this.#unanswered.add(socket);
        socket.ping();
      }
    }
  }
}
