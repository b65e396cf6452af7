// Who runs the add-on, when, and the document lock that serializes its runs.

/** Today's date (YYYY-MM-DD) in the script's time zone: what "sent today" counts. */
export function today(at: number = Date.now()): string {
  return Utilities.formatDate(new Date(at), Session.getScriptTimeZone(), 'yyyy-MM-dd');
}

/** The account the add-on runs as (for trigger runs: the publisher). */
export function runningAs(): string {
  return Session.getEffectiveUser().getEmail();
}

/**
 * Runs `work` holding the document lock, or returns `busy()` when it stays taken for waitMs, or
 * `missing()` when the execution has no document (Google gives a time-driven add-on run none
 * that it documents: getDocumentLock is then null).
 */
export function withDocumentLock<T>(waitMs: number, work: () => T, busy: () => T, missing: () => T = busy): T {
  const lock = LockService.getDocumentLock();
  if (!lock) return missing();
  if (!lock.tryLock(waitMs)) return busy();
  try {
    return work();
  } finally {
    lock.releaseLock();
  }
}
