// A budget of bytes a minute per key, for what @fastify/rate-limit cannot count: its stores add
// one per request, and a doc's ingest is also limited by the bytes of cell values it takes. One
// fixed window per key, in Redis when the relays share one (so they count together), else here.
import type { RangeValues } from '../../protocol/wire.ts';

export interface Spent {
  allowed: boolean;
  /** Until the key's window starts over. */
  ttlMs: number;
}

export interface ByteBudget {
  /** Spends `bytes` of `key`'s budget, or nothing when they do not fit what is left of it. */
  spend(key: string, bytes: number): Promise<Spent>;
}

/** The part of node-redis a budget needs. */
export interface RedisEval {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

// A request that does not fit is refused without being counted, so retrying does not extend the refusal.
const SPEND = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local add = tonumber(ARGV[1])
if n > 0 and n + add > tonumber(ARGV[3]) then return {0, redis.call('PTTL', KEYS[1])} end
n = redis.call('INCRBY', KEYS[1], add)
if n == add then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, redis.call('PTTL', KEYS[1])}`;

export function redisByteBudget(client: RedisEval, prefix: string, max: number, windowMs: number): ByteBudget {
  return {
    async spend(key, bytes) {
      const [allowed, ttlMs] = (await client.eval(SPEND, { keys: [prefix + key], arguments: [String(bytes), String(windowMs), String(max)] })) as [number, number];
      return { allowed: allowed === 1, ttlMs: Math.max(ttlMs, 0) };
    },
  };
}

export function localByteBudget(max: number, windowMs: number): ByteBudget {
  const windows = new Map<string, { spent: number; endsAt: number }>();
  let sweepAt = 0;
  return {
    async spend(key, bytes) {
      const now = Date.now();
      // Windows that ended are forgotten, at most once a window, so idle keys take no memory.
      if (now >= sweepAt) {
        for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
        sweepAt = now + windowMs;
      }
      let window = windows.get(key);
      if (!window || window.endsAt <= now) windows.set(key, (window = { spent: 0, endsAt: now + windowMs }));
      const ttlMs = window.endsAt - now;
      if (window.spent > 0 && window.spent + bytes > max) return { allowed: false, ttlMs };
      window.spent += bytes;
      return { allowed: true, ttlMs };
    },
  };
}

/** The UTF-8 bytes of the cell values in an edits or snapshot request's grids. */
export function valueBytes(grids: readonly RangeValues[] | undefined): number {
  let bytes = 0;
  for (const grid of grids ?? []) for (const row of grid.values) for (const value of row) bytes += Buffer.byteLength(value);
  return bytes;
}
