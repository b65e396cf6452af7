/// <reference types="google-apps-script" />
// Loads a *built* add-on (Code.js, Sidebar.html, appsscript.json as clasp pushes them) into a
// node:vm realm with faithful fakes of the Apps Script services, and plays what people and
// Google do: open the spreadsheet, use the menu and the sidebar (google.script.run), type and
// paste, insert rows, let time pass. Installable triggers fire as Apps Script fires them: for
// every editor's change, running as the user who created them. Where Google is strict, the
// harness is too, each rule with the documentation it follows:
// - Properties: 9 KB per value, 500 KB per store (developers.google.com/apps-script/guides/services/quotas).
// - An installable onChange trigger fires for every edit too, with changeType EDIT (the Sheets
//   change event's changeType lists EDIT beside INSERT_ROW, FORMAT, OTHER…: guides/triggers/events).
// - Locks really wait and time out (reference/lock/lock: tryLock "timing out after the provided
//   number of milliseconds"); the wait is counted in the execution.
// - A time-driven add-on execution may have no document: no active spreadsheet, no document
//   properties, no document lock (reference/lock/lock-service: getDocumentLock "null if called
//   from a standalone script"); `clockHasDocument` chooses, and the clock tests run both ways.
// - getUserTriggers(spreadsheet) may or may not list the time-driven triggers
//   (`scriptApp.listsClockTriggers`): the reference says only "triggers… for the given document".
// - Each execution loads the script anew, so no module state lasts from one run to the next.
// - Formulas recalculate without any trigger (installable triggers: "script executions and API
//   requests do not cause triggers to run"; a recalculation is neither an edit nor a change).
// - Quotas (guides/services/quotas, consumer accounts): 6 minutes per execution, after which the
//   run is killed mid-way, losing what it had not saved; 90 minutes a day of trigger runtime per
//   user; 30 simultaneous executions per user; 20,000 UrlFetch calls a day; 50,000 properties
//   reads and writes a day; 20 triggers per user per script.
// - UrlFetchApp gives up on a request after its deadline (`urlFetch.deadlineMs`).
// - Formats read as reference/spreadsheet/range's getters return them (look.ts); a format
//   change fires the change triggers with changeType FORMAT and no edit trigger.
// The project and its executions are project.ts. Every execution counts its cost: service calls, properties bytes, fetches, time.
import { parseA1 } from '../../protocol/a1.ts';
import type { Execution } from './execution.ts';
import { newExecution } from './execution.ts';
import { FakeRichTextValue } from './look.ts';
import { AppsScriptProject } from './project.ts';
import type { CellValue, FakeRange } from './range.ts';
import type { FakeSpreadsheet } from './spreadsheet.ts';
import type { FakeTrigger } from './script-app.ts';

export type { Execution, FetchRecord } from './execution.ts';
export type { CellValue } from './range.ts';
export { messageOf, SIMULTANEOUS_EXECUTIONS, type HarnessOptions, type Manifest } from './project.ts';

/** A formula: cells whose values the spreadsheet computes from other cells, after every change. */
interface Formula {
  sheet: string;
  a1: string;
  compute: (spreadsheet: FakeSpreadsheet) => CellValue[][];
}

type ChangeType = GoogleAppsScript.Events.SheetsOnChangeChangeType;

/** What a person typing into a cell produces: numbers and booleans are parsed, as Sheets does. */
export function typed(text: CellValue): CellValue {
  if (typeof text !== 'string') return text;
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (/^(true|false)$/i.test(text.trim())) return text.trim().toUpperCase() === 'TRUE';
  if (text.startsWith("'")) return text.slice(1);
  return text;
}

/** The add-on's project, and what people and Google do to its spreadsheet: edits, changes, formats, time. */
export class AppsScriptHarness extends AppsScriptProject {
  private readonly _formulas: Formula[] = [];

  /**
   * A person types (one cell) or pastes (a grid) into the sheet. Every installable edit
   * trigger of this spreadsheet fires, unless Apps Script dropped the event (`dropEvent`:
   * it keeps at most 2 pending onEdit events).
   */
  edit(user: string, sheet: string, a1: string, values: CellValue | FakeRichTextValue | (CellValue | FakeRichTextValue)[][], options: { dropEvent?: boolean } = {}): Execution[] {
    const rect = parseA1(a1);
    if (!rect) throw new Error(`not a range: ${a1}`);
    const range = this.spreadsheet.sheet(sheet).getRange(a1) as unknown as FakeRange;
    const single = rect.top === rect.bottom && rect.left === rect.right;
    const oldValue = single ? range.getValue() : undefined;
    const grid = Array.isArray(values) ? values : [[values]];
    range.setValues(grid.map((row) => row.map((v) => (v instanceof FakeRichTextValue ? v.text : typed(v)))));
    // A link inserted (Insert > Link) is an edit of the cell's rich text.
    grid.forEach((row, r) => row.forEach((v, c) => v instanceof FakeRichTextValue && range.sheet.rangeAt({ top: rect.top + r, bottom: rect.top + r, left: rect.left + c, right: rect.left + c }).setRichTextValue(v)));
    this._recalculate();
    if (options.dropEvent) return [];
    const event: Record<string, unknown> = {
      range: this.cost.wrap(range),
      source: this.cost.wrap(this.spreadsheet),
      user: { getEmail: () => user },
    };
    // Only a single-cell edit carries value and oldValue; a paste carries neither.
    if (single) {
      const value = grid[0]![0]!;
      event.value = value instanceof FakeRichTextValue ? value.text : String(value);
      if (oldValue !== '') event.oldValue = String(oldValue);
    }
    const edits = this._fire('ON_EDIT', user, (trigger) => ({ ...event, authMode: 'FULL', triggerUid: trigger.id }));
    return [...edits, ...this._fireChange(user, 'EDIT')];
  }

  /** A person changes the structure (rows, columns, sheets); every installable change trigger fires. */
  change(user: string, changeType: ChangeType, mutate: (spreadsheet: FakeSpreadsheet) => void): Execution[] {
    mutate(this.spreadsheet);
    this._recalculate();
    return this._fireChange(user, changeType);
  }

  /**
   * A person changes how cells look (colours, fonts, alignment, merges, widths, validation): Google
   * fires the change triggers with changeType FORMAT and no edit trigger.
   */
  format(user: string, mutate: (spreadsheet: FakeSpreadsheet) => void): Execution[] {
    return this.change(user, 'FORMAT', mutate);
  }

  private _fireChange(user: string, changeType: ChangeType | 'EDIT'): Execution[] {
    return this._fire('ON_CHANGE', user, (trigger) => ({
      authMode: 'FULL',
      changeType,
      source: this.cost.wrap(this.spreadsheet),
      triggerUid: trigger.id,
      user: { getEmail: () => user },
    }));
  }

  /** Values change with no trigger at all: Sheets API writes, other scripts. Formulas follow. */
  writeSilently(sheet: string, a1: string, values: CellValue[][]): void {
    (this.spreadsheet.sheet(sheet).getRange(a1) as unknown as FakeRange).setValues(values);
    this._recalculate();
  }

  /** Cells computed from others (a rank, a running total): recalculated after every change, firing nothing. */
  formula(sheet: string, a1: string, compute: (spreadsheet: FakeSpreadsheet) => CellValue[][]): void {
    this._formulas.push({ sheet, a1, compute });
    this._recalculate();
  }

  private _recalculate(): void {
    for (const f of this._formulas) (this.spreadsheet.sheet(f.sheet).getRange(f.a1) as unknown as FakeRange).setValues(f.compute(this.spreadsheet));
  }

  /** Time passes: every time-driven trigger fires once, as its owner, with or without the document (`clockHasDocument`). */
  tick(): Execution[] {
    const now = new Date();
    return this._fire('CLOCK', '', (trigger) => ({
      authMode: 'FULL',
      triggerUid: trigger.id,
      year: now.getUTCFullYear(),
      month: now.getUTCMonth() + 1,
      'day-of-month': now.getUTCDate(),
      hour: now.getUTCHours(),
      minute: now.getUTCMinutes(),
      second: now.getUTCSeconds(),
      timezone: 'UTC',
    }));
  }

  private _fire(event: FakeTrigger['event'], activeUser: string, eventObject: (trigger: FakeTrigger) => Record<string, unknown>): Execution[] {
    return this.scriptApp.triggers
      .filter((t) => t.event === event && t.documentId === this.spreadsheet.getId())
      .map((trigger) => {
        const as = { effectiveUser: trigger.user, activeUser: activeUser || trigger.user, authMode: 'FULL' as const, document: event !== 'CLOCK' || this.clockHasDocument };
        // Past the day's trigger runtime, Google runs none of the owner's triggers.
        if (this.triggerTime.spent(trigger.user)) {
          const refused = newExecution(trigger.handler, as.effectiveUser, as.authMode, as.activeUser, as.document);
          refused.error = this.realm.error(this.triggerTime.message);
          this.runtime.executions.push(refused);
          return refused;
        }
        const execution = this.execute(trigger.handler, as, eventObject(trigger));
        this.triggerTime.add(trigger.user, execution.elapsedMs);
        return execution;
      });
  }

}
