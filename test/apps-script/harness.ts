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
// Every execution counts its cost: service calls, properties bytes, fetches, time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseA1 } from '../../protocol/a1.ts';
import type { ServerFunctions } from '../../protocol/sidebar.ts';
import type { AuthMode, Execution, FetchRecord } from './execution.ts';
import { newExecution, Runtime } from './execution.ts';
import { DailyQuota } from './services.ts';
import { CostCounter } from './cost.ts';
import { Realm } from './realm.ts';
import { FakeScriptApp, type FakeTrigger } from './script-app.ts';
import { FakeCacheService, FakeLockService, FakePropertiesService, FakeSession, FakeUtilities } from './services.ts';
import { FakeHtmlService, FakeUi } from './ui.ts';
import type { CellValue, FakeRange } from './range.ts';
import { FakeSpreadsheet } from './spreadsheet.ts';
import { ColorType, DataValidationCriteria, FakeRichTextValue, WrapStrategy } from './look.ts';
import { FakeUrlFetchApp } from './url-fetch.ts';

export type { Execution, FetchRecord } from './execution.ts';
export type { CellValue } from './range.ts';

export interface Manifest {
  timeZone?: string;
  oauthScopes?: string[];
  urlFetchWhitelist?: string[];
}

export interface HarnessOptions {
  /** The clasp rootDir: Code.js, Sidebar.html, appsscript.json. */
  dir: string;
  /** The ID token ScriptApp.getIdentityToken returns for a user (e.g. signed by the Google emulator). */
  identityToken: (email: string) => string;
  spreadsheetId?: string;
  spreadsheetName?: string;
  /** The spreadsheet's own time zone (File > Settings), which may differ from the script's. */
  spreadsheetTimeZone?: string;
}

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

export class AppsScriptHarness {
  readonly manifest: Manifest;
  readonly realm: Realm;
  readonly runtime: Runtime;
  readonly spreadsheet: FakeSpreadsheet;
  readonly ui: FakeUi;
  readonly properties: FakePropertiesService;
  readonly locks: FakeLockService;
  readonly scriptApp: FakeScriptApp;
  readonly urlFetch: FakeUrlFetchApp;
  readonly cost: CostCounter;
  /** Whether time-driven executions get the active document (Google does not document that they do). */
  clockHasDocument = true;
  /** Trigger runtime per user per day: 90 minutes on a consumer account (6 hours on Workspace). */
  readonly triggerTime = new DailyQuota(90 * 60_000, 'Service using too much computer time for one day');
  /** Other executions of a user running right now (the harness runs one at a time; this stands for the rest). */
  readonly running = new Map<string, number>();
  private readonly _formulas: Formula[] = [];
  private readonly _code: string;

  constructor(options: HarnessOptions) {
    this.manifest = JSON.parse(readFileSync(join(options.dir, 'appsscript.json'), 'utf8')) as Manifest;
    this.realm = new Realm({ console: this._console() });
    this.runtime = new Runtime(this.realm, this.manifest.oauthScopes ?? []);
    const runtime = this.runtime;
    this.spreadsheet = new FakeSpreadsheet(this.realm, options.spreadsheetId ?? '1SheetcastTestSpreadsheet', options.spreadsheetName ?? 'Scoreboard', options.spreadsheetTimeZone);
    this.cost = new CostCounter(runtime);
    this.ui = new FakeUi(runtime, 'Sheetcast');
    this.properties = new FakePropertiesService(runtime);
    this.locks = new FakeLockService(runtime);
    this.scriptApp = new FakeScriptApp(runtime, this.spreadsheet, options.identityToken);
    this.urlFetch = new FakeUrlFetchApp(runtime, this.manifest.urlFetchWhitelist);
    const spreadsheet = this.spreadsheet;
    const ui = this.ui;
    const documentScopes = ['https://www.googleapis.com/auth/spreadsheets.currentonly', 'https://www.googleapis.com/auth/spreadsheets'];
    // Without a document there is no active spreadsheet: Google returns null.
    const active = () => (runtime.execution().document ? spreadsheet : null) as never;
    const SpreadsheetApp: Pick<GoogleAppsScript.Spreadsheet.SpreadsheetApp, 'getActiveSpreadsheet' | 'getActive' | 'getActiveSheet' | 'getActiveRange' | 'getUi' | 'flush'> & Record<'WrapStrategy' | 'DataValidationCriteria' | 'ColorType', unknown> = {
      // Enums are properties, not calls: reading one costs nothing.
      WrapStrategy,
      DataValidationCriteria,
      ColorType,
      getActiveSpreadsheet: () => (runtime.require('SpreadsheetApp.getActiveSpreadsheet', documentScopes, 'document'), active()),
      getActive: () => (runtime.require('SpreadsheetApp.getActive', documentScopes, 'document'), active()),
      getActiveSheet: () => (runtime.require('SpreadsheetApp.getActiveSheet', documentScopes, 'document'), spreadsheet.getActiveSheet()),
      getActiveRange: () => (runtime.require('SpreadsheetApp.getActiveRange', documentScopes, 'document'), spreadsheet.getActiveRange()),
      // Menus may be built in every AuthMode, NONE included.
      getUi: () => ui as never,
      flush: () => undefined,
    };
    const globals: Record<string, unknown> = {
      SpreadsheetApp,
      ScriptApp: this.scriptApp,
      PropertiesService: this.properties,
      LockService: this.locks,
      CacheService: new FakeCacheService(runtime),
      HtmlService: new FakeHtmlService(runtime, options.dir),
      Session: new FakeSession(runtime, this.manifest.timeZone ?? 'Etc/UTC'),
      Utilities: new FakeUtilities(),
      UrlFetchApp: this.urlFetch,
      Logger: { log: (...args: unknown[]) => this._log('log', args) },
    };
    // Logger is a local log, not a service round trip; everything else is counted.
    for (const [name, value] of Object.entries(globals)) this.realm.define(name, name === 'Logger' ? value : this.cost.wrap(value, name));
    this._code = readFileSync(join(options.dir, 'Code.js'), 'utf8');
    this.realm.run(this._code, 'Code.js');
  }

  private _console(): Pick<Console, 'log' | 'info' | 'warn' | 'error'> {
    return {
      log: (...args: unknown[]) => this._log('log', args),
      info: (...args: unknown[]) => this._log('info', args),
      warn: (...args: unknown[]) => this._log('warn', args),
      error: (...args: unknown[]) => this._log('error', args),
    };
  }

  private _log(level: string, args: unknown[]): void {
    this.runtime.current?.logs.push(`${level}: ${args.map((a) => (a instanceof Object && 'message' in a ? String(a.message) : String(a))).join(' ')}`);
  }

  get executions(): Execution[] {
    return this.runtime.executions;
  }

  /** Every request UrlFetchApp made, in order. */
  fetches(): FetchRecord[] {
    return this.executions.flatMap((e) => e.fetches);
  }

  triggers(): FakeTrigger[] {
    return [...this.scriptApp.triggers];
  }

  /** Whether the bundle declares `name` as a top-level function (what Apps Script can call). */
  hasFunction(name: string): boolean {
    return typeof this.realm.global(name) === 'function';
  }

  /** One execution of a top-level function. Like Apps Script, it frees the execution's locks at the end. */
  execute(handler: string, as: { effectiveUser: string; activeUser?: string; authMode: AuthMode; document?: boolean }, ...args: unknown[]): Execution {
    const execution = newExecution(handler, as.effectiveUser, as.authMode, as.activeUser, as.document ?? true);
    this.runtime.executions.push(execution);
    if (typeof this.realm.global(handler) !== 'function') {
      execution.error = new Error(`Script function not found: ${handler}`);
      return execution;
    }
    if ((this.running.get(as.effectiveUser) ?? 0) >= SIMULTANEOUS_EXECUTIONS) {
      execution.error = this.realm.error('There are too many scripts running simultaneously for this Google user account.');
      return execution;
    }
    this.runtime.current = execution;
    try {
      // Every execution starts from the script's code afresh: nothing a module kept survives it.
      this.realm.run(this._code, 'Code.js');
      const fn = this.realm.global(handler);
      execution.result = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      execution.error = error;
    } finally {
      execution.elapsedMs += performance.now() - execution.startedAt;
      // A killed run ends as Google records it, whatever the script's catch blocks did.
      if (execution.killed) execution.error = this.realm.error('Exceeded maximum execution time');
      this.runtime.current = null;
      this.locks.releaseAll(execution);
    }
    return execution;
  }

  /** google.script.run from the sidebar: arguments and result serialized; a throw rejects with its message. */
  run<K extends keyof ServerFunctions>(user: string, name: K, ...args: Parameters<ServerFunctions[K]>): ReturnType<ServerFunctions[K]> {
    if (name.endsWith('_')) throw new Error(`${name} is private`);
    const execution = this.execute(name, { effectiveUser: user, authMode: 'FULL' }, ...args.map((a) => this.realm.import(a)));
    if (execution.error !== undefined) throw new Error(messageOf(execution.error));
    return JSON.parse(JSON.stringify(execution.result ?? null)) as ReturnType<ServerFunctions[K]>;
  }

  /** Opening the spreadsheet: the simple onOpen trigger (NONE until the add-on is used in this document). */
  open(user: string, authMode: AuthMode = 'LIMITED'): Execution {
    return this.execute('onOpen', { effectiveUser: user, authMode }, { authMode, source: this.spreadsheet, user: { getEmail: () => user } });
  }

  /** Choosing an item of the add-on's menu. */
  menu(user: string, caption: string): Execution {
    const item = this.ui.menus.flatMap((m) => m.items).find((i) => i.caption === caption);
    if (!item) throw new Error(`no menu item "${caption}"`);
    return this.execute(item.functionName, { effectiveUser: user, authMode: 'FULL' });
  }

  select(sheet: string, a1: string): void {
    this.spreadsheet.setActiveRange(this.spreadsheet.sheet(sheet).getRange(a1));
  }

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

  async close(): Promise<void> {
    await this.urlFetch.close();
  }
}

/** Executions one user may run at once (quotas: "Simultaneous executions per user 30"). */
export const SIMULTANEOUS_EXECUTIONS = 30;

export function messageOf(error: unknown): string {
  return error && typeof error === 'object' && 'message' in error ? String((error as Error).message) : String(error);
}
