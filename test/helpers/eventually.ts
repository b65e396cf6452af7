/**
 * Polls `check` until it returns without throwing (and not `false`), or fails with its last
 * error after `timeoutMs`. Tests wait for conditions this way instead of sleeping.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    let failure: unknown;
    try {
      const result = await check();
      if (result !== false) return result;
      failure = new Error('condition stayed false');
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** Resolves after `ms`: only for letting something NOT happen (e.g. no frame is sent). */
export const quietPeriod = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
