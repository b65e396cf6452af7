// The installable triggers: one edit, one change and one hourly trigger per user per
// spreadsheet (the most an add-on may hold), created once however often publish is pressed.

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

export const Handler = {
  edit: 'onSheetEdit',
  change: 'onSheetChange',
  check: 'hourlyCheck',
} as const;

function ours(ss: Spreadsheet): GoogleAppsScript.Script.Trigger[] {
  const names: readonly string[] = Object.values(Handler);
  return ScriptApp.getUserTriggers(ss).filter((t) => names.includes(t.getHandlerFunction()));
}

function has(triggers: GoogleAppsScript.Script.Trigger[], handler: string, type: GoogleAppsScript.Script.EventType): boolean {
  return triggers.some((t) => t.getHandlerFunction() === handler && t.getEventType() === type);
}

export function ensureTriggers(ss: Spreadsheet): void {
  const existing = ours(ss);
  if (!has(existing, Handler.edit, ScriptApp.EventType.ON_EDIT)) createOnce(() => ScriptApp.newTrigger(Handler.edit).forSpreadsheet(ss).onEdit().create());
  if (!has(existing, Handler.change, ScriptApp.EventType.ON_CHANGE)) createOnce(() => ScriptApp.newTrigger(Handler.change).forSpreadsheet(ss).onChange().create());
  // Add-ons may not run time-driven triggers more often than hourly.
  if (!has(existing, Handler.check, ScriptApp.EventType.CLOCK)) createOnce(() => ScriptApp.newTrigger(Handler.check).timeBased().everyHours(1).create());
}

/**
 * Apps Script refuses a second trigger of a type for this user and document ("too many …
 * triggers"): then one is there already, even if the listing did not show it.
 */
function createOnce(create: () => GoogleAppsScript.Script.Trigger): void {
  try {
    create();
  } catch (error) {
    if (!/too many/i.test(error instanceof Error ? error.message : String(error))) throw error;
  }
}

export function removeTriggers(ss: Spreadsheet): void {
  for (const trigger of ours(ss)) ScriptApp.deleteTrigger(trigger);
}

export function triggersInstalled(ss: Spreadsheet): boolean {
  const existing = ours(ss);
  return (
    has(existing, Handler.edit, ScriptApp.EventType.ON_EDIT) &&
    has(existing, Handler.change, ScriptApp.EventType.ON_CHANGE) &&
    has(existing, Handler.check, ScriptApp.EventType.CLOCK)
  );
}
