// Who runs the add-on, when, and the document lock that serializes its runs.

import type { Status } from '../logic/state.ts';

let spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet | null = null;
let day: string | null = null;

/**
 * "Today" is the spreadsheet's day (File > Settings > Time zone): the add-on project's own
 * time zone is the developer's (UTC), not the publisher's. Read at the first `today()`.
 */
export function countDaysIn(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): GoogleAppsScript.Spreadsheet.Spreadsheet {
  spreadsheet = ss;
  day = null;
  return ss;
}

/**
 * The day `now` falls on where the spreadsheet is, for a send. Google is asked once a day: the
 * status keeps when the day ends (on the two days a year whose clocks change, an hour off).
 */
export function dayAt(status: Status, now: number): string {
  if (status.day && now < (status.dayEndsAt ?? 0)) return status.day;
  const zone = spreadsheet?.getSpreadsheetTimeZone() ?? Session.getScriptTimeZone();
  const [date, time] = Utilities.formatDate(new Date(now), zone, 'yyyy-MM-dd HH:mm:ss').split(' ') as [string, string];
  const [h, m, s] = time.split(':').map(Number) as [number, number, number];
  status.dayEndsAt = now - (now % 1000) + (86_400 - (h * 3600 + m * 60 + s)) * 1000;
  return date;
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
