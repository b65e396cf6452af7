/// <reference types="google-apps-script" />
// HtmlService (the project's .html files) and the spreadsheet's Ui: menus, sidebars, alerts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scope, type Runtime } from './execution.ts';

class FakeHtmlOutput implements Pick<GoogleAppsScript.HTML.HtmlOutput, 'setTitle' | 'getTitle' | 'getContent' | 'setWidth' | 'setHeight' | 'append' | 'setSandboxMode' | 'setXFrameOptionsMode'> {
  private _title = '';
  private _content: string;

  constructor(_content: string) {
    this._content = _content;
  }
  setTitle(title: string): GoogleAppsScript.HTML.HtmlOutput {
    this._title = title;
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  getTitle(): string {
    return this._title;
  }
  getContent(): string {
    return this._content;
  }
  setWidth(): GoogleAppsScript.HTML.HtmlOutput {
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  setHeight(): GoogleAppsScript.HTML.HtmlOutput {
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  append(addedContent: string): GoogleAppsScript.HTML.HtmlOutput {
    this._content += addedContent;
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  setSandboxMode(): GoogleAppsScript.HTML.HtmlOutput {
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  setXFrameOptionsMode(): GoogleAppsScript.HTML.HtmlOutput {
    return this as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
}

/** Serves the project's .html files, as pushed by clasp, from the build directory. */
export class FakeHtmlService implements Pick<GoogleAppsScript.HTML.HtmlService, 'createHtmlOutputFromFile'> {
  readonly SandboxMode = { IFRAME: 'IFRAME', NATIVE: 'NATIVE', EMULATED: 'EMULATED' };
  readonly XFrameOptionsMode = { ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' };

  private readonly _runtime: Runtime;
  private readonly _projectDir: string;

  constructor(_runtime: Runtime, _projectDir: string) {
    this._runtime = _runtime;
    this._projectDir = _projectDir;
  }
  createHtmlOutput(html?: string): GoogleAppsScript.HTML.HtmlOutput {
    return new FakeHtmlOutput(html ?? '') as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  createHtmlOutputFromFile(filename: string): GoogleAppsScript.HTML.HtmlOutput {
    const name = filename.endsWith('.html') ? filename : `${filename}.html`;
    let content: string;
    try {
      content = readFileSync(join(this._projectDir, name), 'utf8');
    } catch {
      throw this._runtime.realm.error(`No HTML file named ${filename} was found.`);
    }
    return new FakeHtmlOutput(content) as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
}

export interface MenuRecord {
  title: string;
  items: { caption: string; functionName: string }[];
}

class FakeMenu implements Pick<GoogleAppsScript.Base.Menu, 'addItem' | 'addSeparator' | 'addToUi'> {
  readonly record: MenuRecord;
  private readonly _ui: FakeUi;

  constructor(_ui: FakeUi, title: string) {
    this._ui = _ui;

    this.record = { title, items: [] };
  }
  addItem(caption: string, functionName: string): GoogleAppsScript.Base.Menu {
    this.record.items.push({ caption, functionName });
    return this as unknown as GoogleAppsScript.Base.Menu;
  }
  addSeparator(): GoogleAppsScript.Base.Menu {
    return this as unknown as GoogleAppsScript.Base.Menu;
  }
  addToUi(): void {
    this._ui.menus.push(this.record);
  }
}

export class FakeUi implements Pick<GoogleAppsScript.Base.Ui, 'createAddonMenu' | 'createMenu' | 'showSidebar' | 'alert'> {
  readonly menus: MenuRecord[] = [];
  readonly sidebars: { title: string; content: string }[] = [];
  readonly alerts: string[] = [];
  readonly Button = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' };
  readonly ButtonSet = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' };

  private readonly _runtime: Runtime;
  private readonly _addonName: string;

  constructor(_runtime: Runtime, _addonName: string) {
    this._runtime = _runtime;
    this._addonName = _addonName;
  }
  createAddonMenu(): GoogleAppsScript.Base.Menu {
    return new FakeMenu(this, this._addonName) as unknown as GoogleAppsScript.Base.Menu;
  }
  createMenu(caption: string): GoogleAppsScript.Base.Menu {
    return new FakeMenu(this, caption) as unknown as GoogleAppsScript.Base.Menu;
  }
  showSidebar(userInterface: GoogleAppsScript.HTML.HtmlOutput): void {
    this._runtime.require('Ui.showSidebar', Scope.containerUi);
    this.sidebars.push({ title: userInterface.getTitle(), content: userInterface.getContent() });
  }
  alert(prompt: string): GoogleAppsScript.Base.Button {
    this._runtime.require('Ui.alert', Scope.containerUi);
    this.alerts.push(prompt);
    return this.Button.OK as unknown as GoogleAppsScript.Base.Button;
  }
}
