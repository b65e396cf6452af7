// The installable triggers: one edit, one change and one hourly trigger per user per
// spreadsheet (the most an add-on may hold), created once however often publish is pressed.
// Each is remembered by its unique id: getUserTriggers(spreadsheet) need not list the
// time-driven one, but getProjectTriggers lists every trigger of this user.

import type { TriggerIds } from '../logic/state.ts';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Trigger = GoogleAppsScript.Script.Trigger;

export const Handler = {
  edit: 'onSheetEdit',
  change: 'onSheetChange',
  check: 'hourlyCheck',
} as const;

type Kind = keyof typeof Handler;

/** This spreadsheet's triggers of ours: those listed with it, and those whose ids we kept. */
function ours(ss: Spreadsheet, known: TriggerIds): Trigger[] {
  const names: readonly string[] = Object.values(Handler);
  const ids = Object.values(known);
  const found = new Map<string, Trigger>();
  for (const t of ScriptApp.getUserTriggers(ss)) if (names.includes(t.getHandlerFunction())) found.set(t.getUniqueId(), t);
  if (ids.some((id) => !found.has(id))) for (const t of ScriptApp.getProjectTriggers()) if (ids.includes(t.getUniqueId())) found.set(t.getUniqueId(), t);
  return [...found.values()];
}

function find(triggers: Trigger[], kind: Kind): Trigger | undefined {
  const type = { edit: ScriptApp.EventType.ON_EDIT, change: ScriptApp.EventType.ON_CHANGE, check: ScriptApp.EventType.CLOCK }[kind];
  return triggers.find((t) => t.getHandlerFunction() === Handler[kind] && t.getEventType() === type);
}

/** Creates whichever of the three is missing; the ids of all three, as far as they are known. */
export function ensureTriggers(ss: Spreadsheet, known: TriggerIds): TriggerIds {
  const existing = ours(ss, known);
  const ids: TriggerIds = {};
  const create = {
    edit: () => ScriptApp.newTrigger(Handler.edit).forSpreadsheet(ss).onEdit().create(),
    change: () => ScriptApp.newTrigger(Handler.change).forSpreadsheet(ss).onChange().create(),
    // Add-ons may not run time-driven triggers more often than hourly.
    check: () => ScriptApp.newTrigger(Handler.check).timeBased().everyHours(1).create(),
  };
  for (const kind of Object.keys(create) as Kind[]) {
    const id = find(existing, kind)?.getUniqueId() ?? createOnce(create[kind], known[kind]);
    if (id) ids[kind] = id;
  }
  return ids;
}

/**
 * Apps Script refuses a second trigger of a type for this user and document ("…too many …
 * triggers in this document…"): one is there already though no listing showed it, so the id
 * kept before stands. Any other refusal — above all the 20 triggers a user may hold across
 * every spreadsheet — means there is no trigger, and the publisher is told.
 */
function createOnce(create: () => Trigger, keptId: string | undefined): string | undefined {
  try {
    return create().getUniqueId();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/too many .*triggers in this document/i.test(message)) return keptId;
    throw new Error(
      /too many triggers/i.test(message)
        ? 'Google allows each person 20 Sheetcast triggers across all their spreadsheets (3 per published spreadsheet). Stop publishing a spreadsheet you no longer need, then publish again.'
        : `Google refused to install the trigger that sends edits: ${message}`,
    );
  }
}

export function removeTriggers(ss: Spreadsheet, known: TriggerIds): void {
  for (const trigger of ours(ss, known)) ScriptApp.deleteTrigger(trigger);
}

export function triggersInstalled(ss: Spreadsheet, known: TriggerIds): boolean {
  const existing = ours(ss, known);
  return (Object.keys(Handler) as Kind[]).every((kind) => find(existing, kind) !== undefined);
}
