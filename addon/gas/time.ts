// Dates as the publisher sees them.

/** Today's date (YYYY-MM-DD) in the script's time zone: what "sent today" counts. */
export function today(at: number = Date.now()): string {
  return Utilities.formatDate(new Date(at), Session.getScriptTimeZone(), 'yyyy-MM-dd');
}
