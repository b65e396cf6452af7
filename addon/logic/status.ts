// What the sidebar shows about delivery: sends today, recent sends, the last error in words.

import { RECENT_SENDS } from './limits.ts';
import type { RecentSend, Status } from './state.ts';

/** `day` is the send's date (YYYY-MM-DD) in the time zone "today" is counted in. */
export function noteSent(status: Status, send: RecentSend, day: string): void {
  status.sentToday = status.day === day ? status.sentToday + 1 : 1;
  status.day = day;
  status.lastSentAt = send.at;
  status.recent = [...status.recent, send].slice(-RECENT_SENDS); // newest last
}

export function noteError(status: Status, message: string, at: number): void {
  status.error = { message, at };
}

/** The error still worth showing: one no later send has superseded. */
export function currentError(status: Status): Status['error'] {
  const error = status.error;
  return error && (status.lastSentAt === null || error.at >= status.lastSentAt) ? error : null;
}

export function sentToday(status: Status, today: string): number {
  return status.day === today ? status.sentToday : 0;
}
