/// <reference types="google-apps-script" />
// The built add-on loaded as Apps Script loads a project: Code.js in its own realm with the
// fakes of every service it may reach (each call counted), executions that start from the
// script afresh, as a user in an AuthMode, with or without a document; google.script.run from
// the sidebar; the menu. What people and Google do to the spreadsheet is harness.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerFunctions } from '../../protocol/sidebar.ts';
import type { AuthMode, Execution, FetchRecord } from './execution.ts';
import { newExecution, Runtime } from './execution.ts';
import { DailyQuota } from './services.ts';
import { CostCounter } from './cost.ts';
import { Realm } from './realm.ts';
import { FakeScriptApp, type FakeTrigger } from './script-app.ts';
import { FakeCacheService, FakeLockService, FakePropertiesService, FakeSession, FakeUtilities } from './services.ts';
import { FakeHtmlService, FakeUi } from './ui.ts';
import { FakeSpreadsheet } from './spreadsheet.ts';
import { ColorType, DataValidationCriteria, WrapStrategy } from './look.ts';
import { FakeUrlFetchApp } from './url-fetch.ts';

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

export class AppsScriptProject {
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

  async close(): Promise<void> {
    await this.urlFetch.close();
  }
}

/** Executions one user may run at once (quotas: "Simultaneous executions per user 30"). */
export const SIMULTANEOUS_EXECUTIONS = 30;

export function messageOf(error: unknown): string {
  return error && typeof error === 'object' && 'message' in error ? String((error as Error).message) : String(error);
}

