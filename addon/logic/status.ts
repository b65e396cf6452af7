// What the sidebar shows about delivery: sends today, recent sends, the last error in words.

import { ERROR_CHARS, RECENT_RANGES, RECENT_SENDS } from './limits.ts';
import type { RecentSend, Status } from './state.ts';

/** `day` is the send's date (YYYY-MM-DD) in the time zone "today" is counted in. */
export function noteSent(status: Status, send: RecentSend, day: string): void {
  status.sentToday = status.day === day ? status.sentToday + 1 : 1;
  status.day = day;
  status.lastSentAt = send.at;
  const more = send.ranges.length - RECENT_RANGES;
  const ranges = more > 0 ? [...send.ranges.slice(0, RECENT_RANGES), `+${more} more`] : send.ranges;
  status.recent = [...status.recent, { ...send, ranges }].slice(-RECENT_SENDS); // newest last
}

export function noteError(status: Status, message: string, at: number): void {
  status.error = { message: message.length > ERROR_CHARS ? `${message.slice(0, ERROR_CHARS - 1)}…` : message, at };
}

/** The error still worth showing: one no later send has superseded. */
export function currentError(status: Status): Status['error'] {
  const error = status.error;
  return error && (status.lastSentAt === null || error.at >= status.lastSentAt) ? error : null;
}

export function sentToday(status: Status, today: string): number {
  return status.day === today ? status.sentToday : 0;
}
