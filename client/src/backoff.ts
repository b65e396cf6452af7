// How long a viewer waits before reconnecting. Exponential, capped, and jittered so that the
// thousands of viewers of a restarted relay come back spread out instead of all at once.
import { CloseCode } from '../../protocol/wire.ts';

export interface BackoffOptions {
  /** The first step; each failed attempt doubles it up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A relay that says "too many connections" gets at least this long before we knock again. */
export const TOO_MANY_MIN_DELAY_MS = 5_000;

/** "Equal jitter": a random delay between half the ceiling and the ceiling. `random` is in [0, 1). */
export function backoffDelay(attempt: number, closeCode: number, options: BackoffOptions, random: number = Math.random()): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const delay = ceiling / 2 + random * (ceiling / 2);
  if (closeCode !== CloseCode.TooManyConnections) return delay;
  return Math.max(delay, TOO_MANY_MIN_DELAY_MS * (1 + random));
}
