// Who runs the add-on, when, and the document lock that serializes its runs.

let spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet | null = null;
let day: string | null = null;

/**
 * "Today" is the spreadsheet's day (File > Settings > Time zone): the add-on project's own
 * time zone is the developer's (UTC), not the publisher's. Read at the first `today()`.
 */
export function countDaysIn(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): void {
  spreadsheet = ss;
  day = null;
}

/** Today's date (YYYY-MM-DD) where the spreadsheet is; read once, as an execution lasts minutes at most. */
export function today(): string {
  day ??= Utilities.formatDate(new Date(), spreadsheet?.getSpreadsheetTimeZone() ?? Session.getScriptTimeZone(), 'yyyy-MM-dd');
  return day;
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
