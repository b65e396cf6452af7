// Who may be a doc's viewer: its access and allow list (relay/access.ts) and the per-doc viewer
// limit decide who joins; when the settings change, they decide again who stays.
import type { Viewer } from './viewer.ts';
import { CloseCode } from '../../protocol/wire.ts';
import { admission, type Admission } from '../access.ts';
import type { HubMetrics } from './hub.ts';
import type { LiveDoc } from './live-doc.ts';

export interface Refusal {
  code: number;
  reason: string;
}

const REFUSALS: Record<Exclude<Admission, 'admitted'>, Refusal> = {
  sign_in_needed: { code: CloseCode.SignInNeeded, reason: 'sign-in needed' },
  not_allowed: { code: CloseCode.NotAllowed, reason: 'not on the allow list' },
};

export class Admissions {
  readonly #maxViewersPerDoc: number;
  readonly #metrics: HubMetrics;
  /** The verified email a viewer signed in with (restricted shares), checked again on new settings. */
  readonly #emails = new WeakMap<Viewer, string>();

  constructor(maxViewersPerDoc: number, metrics: HubMetrics) {
    this.#maxViewersPerDoc = maxViewersPerDoc;
    this.#metrics = metrics;
  }

  /** Why a viewer with `email` (null: anonymous) may not join `live` now, or null when it may. */
  refusal(live: LiveDoc, email: string | null): Refusal | null {
    const verdict = admission(live, email);
    if (verdict !== 'admitted') return REFUSALS[verdict];
    if (live.viewers.size >= this.#maxViewersPerDoc) {
      return { code: CloseCode.TooManyConnections, reason: 'too many viewers of this doc' };
    }
    return null;
  }

  /** Remembers who a viewer that joined is, for `readmit`. */
  admitted(socket: Viewer, email: string | null): void {
    if (email !== null) this.#emails.set(socket, email);
  }

  /** New access or allow list: the viewers it no longer admits leave, closed, before anything else is sent. */
  readmit(live: LiveDoc): void {
    for (const socket of live.viewers) {
      const verdict = admission(live, this.#emails.get(socket) ?? null);
      if (verdict === 'admitted') continue;
      live.viewers.delete(socket);
      this.#metrics.viewerLeft();
      socket.close(REFUSALS[verdict].code, REFUSALS[verdict].reason);
    }
  }
}
