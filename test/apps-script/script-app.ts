/// <reference types="google-apps-script" />
// ScriptApp for an editor add-on: installable triggers recorded per user and document, with
// the add-on limits (one trigger of each event type per user per document; time-driven at
// most hourly: workspace/add-ons/concepts/editor-triggers), the quota of 20 triggers per user
// per script (guides/services/quotas), and getIdentityToken from the test's token issuer.
import { Scope, type Runtime } from './execution.ts';
import type { FakeSpreadsheet } from './spreadsheet.ts';

type Trigger = GoogleAppsScript.Script.Trigger;

export type TriggerEvent = 'ON_EDIT' | 'ON_CHANGE' | 'ON_OPEN' | 'ON_FORM_SUBMIT' | 'CLOCK';

export class FakeTrigger implements Pick<Trigger, 'getEventType' | 'getHandlerFunction' | 'getTriggerSource' | 'getTriggerSourceId' | 'getUniqueId'> {
  readonly id: string;
  readonly handler: string;
  readonly event: TriggerEvent;
  /** The owner: installable triggers run as the user who created them. */
  readonly user: string;
  /** The document the add-on created it in. */
  readonly documentId: string;
  readonly everyHours: number | null;

  constructor(id: string, handler: string, event: TriggerEvent, user: string, documentId: string, everyHours: number | null) {
    this.id = id;
    this.handler = handler;
    this.event = event;
    this.user = user;
    this.documentId = documentId;
    this.everyHours = everyHours;
  }

  getEventType(): GoogleAppsScript.Script.EventType {
    return this.event as unknown as GoogleAppsScript.Script.EventType;
  }
  getHandlerFunction(): string {
    return this.handler;
  }
  getTriggerSource(): GoogleAppsScript.Script.TriggerSource {
    return (this.event === 'CLOCK' ? 'CLOCK' : 'SPREADSHEETS') as unknown as GoogleAppsScript.Script.TriggerSource;
  }
  getTriggerSourceId(): string {
    return (this.event === 'CLOCK' ? null : this.documentId) as string;
  }
  getUniqueId(): string {
    return this.id;
  }
}

/** Triggers one user may hold in one script, across every document (quotas: "Triggers 20 / user / script"). */
export const TRIGGERS_PER_USER = 20;

const EVENT_WORDS: Record<TriggerEvent, string> = {
  ON_EDIT: 'edit',
  ON_CHANGE: 'change',
  ON_OPEN: 'open',
  ON_FORM_SUBMIT: 'form submit',
  CLOCK: 'time-based',
};

export class FakeScriptApp implements Pick<GoogleAppsScript.Script.ScriptApp, 'getUserTriggers' | 'getProjectTriggers' | 'newTrigger' | 'deleteTrigger' | 'getIdentityToken' | 'getOAuthToken'> {
  readonly triggers: FakeTrigger[] = [];
  readonly AuthMode = { NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' };
  readonly EventType = { CLOCK: 'CLOCK', ON_OPEN: 'ON_OPEN', ON_EDIT: 'ON_EDIT', ON_FORM_SUBMIT: 'ON_FORM_SUBMIT', ON_CHANGE: 'ON_CHANGE', ON_EVENT_UPDATED: 'ON_EVENT_UPDATED' };
  readonly TriggerSource = { SPREADSHEETS: 'SPREADSHEETS', CLOCK: 'CLOCK', FORMS: 'FORMS', DOCUMENTS: 'DOCUMENTS', CALENDAR: 'CALENDAR' };
  /** Whether getUserTriggers(spreadsheet) lists the add-on's time-driven triggers of that document. */
  listsClockTriggers = true;
  private _nextId = 1;

  private readonly _runtime: Runtime;
  private readonly _spreadsheet: FakeSpreadsheet;
  private readonly _identityToken: (email: string) => string;

  constructor(runtime: Runtime, spreadsheet: FakeSpreadsheet, identityToken: (email: string) => string) {
    this._runtime = runtime;
    this._spreadsheet = spreadsheet;
    this._identityToken = identityToken;
  }

  private _user(): string {
    return this._runtime.execution().effectiveUser;
  }

  getUserTriggers(document: unknown): Trigger[] {
    this._runtime.require('ScriptApp.getUserTriggers', Scope.scriptApp);
    const id = (document as FakeSpreadsheet).getId();
    return this.triggers.filter((t) => t.user === this._user() && t.documentId === id && (this.listsClockTriggers || t.event !== 'CLOCK')) as unknown as Trigger[];
  }
  getProjectTriggers(): Trigger[] {
    this._runtime.require('ScriptApp.getProjectTriggers', Scope.scriptApp);
    return this.triggers.filter((t) => t.user === this._user()) as unknown as Trigger[];
  }
  deleteTrigger(trigger: Trigger): void {
    this._runtime.require('ScriptApp.deleteTrigger', Scope.scriptApp);
    const index = this.triggers.indexOf(trigger as unknown as FakeTrigger);
    if (index >= 0) this.triggers.splice(index, 1);
  }
  getIdentityToken(): string {
    this._runtime.require('ScriptApp.getIdentityToken', Scope.openid);
    return this._identityToken(this._user());
  }
  getOAuthToken(): string {
    this._runtime.require('ScriptApp.getOAuthToken', null);
    return `ya29.fake-${this._user()}`;
  }

  newTrigger(functionName: string): GoogleAppsScript.Script.TriggerBuilder {
    const create = (event: TriggerEvent, documentId: string, everyHours: number | null): Trigger => {
      this._runtime.require('TriggerBuilder.create', Scope.scriptApp);
      const user = this._user();
      if (this.triggers.some((t) => t.user === user && t.documentId === documentId && t.event === event)) {
        throw this._runtime.realm.error(
          `This add-on has created too many ${EVENT_WORDS[event]} triggers in this document for this Google user account. Try deleting one or more of the triggers.`,
        );
      }
      if (this.triggers.filter((t) => t.user === user).length >= TRIGGERS_PER_USER) {
        throw this._runtime.realm.error('This script has too many triggers. Triggers must be deleted from the script before more can be added.');
      }
      const trigger = new FakeTrigger(String(this._nextId++), functionName, event, user, documentId, everyHours);
      this.triggers.push(trigger);
      return trigger as unknown as Trigger;
    };
    const forSpreadsheet = (key: unknown) => {
      const id = typeof key === 'string' ? key : (key as FakeSpreadsheet).getId();
      let event: TriggerEvent | null = null;
      const builder = {
        onEdit: () => ((event = 'ON_EDIT'), builder),
        onChange: () => ((event = 'ON_CHANGE'), builder),
        onOpen: () => ((event = 'ON_OPEN'), builder),
        onFormSubmit: () => ((event = 'ON_FORM_SUBMIT'), builder),
        create: () => {
          if (!event) throw this._runtime.realm.error('The trigger has no event type.');
          return create(event, id, null);
        },
      };
      return builder;
    };
    const timeBased = () => {
      let hours: number | null = null;
      let tooOften = false;
      const builder = {
        everyHours: (n: number) => {
          if (![1, 2, 4, 6, 8, 12].includes(n)) throw this._runtime.realm.error('Invalid argument: hours');
          hours = n;
          return builder;
        },
        everyMinutes: (_n: number) => ((tooOften = true), builder),
        create: () => {
          if (tooOften) throw this._runtime.realm.error('Add-ons may not create time-based triggers that run more often than once an hour.');
          if (hours === null) throw this._runtime.realm.error('The time-based trigger has no schedule.');
          // An add-on's time-driven trigger belongs to the document it was created in.
          return create('CLOCK', this._spreadsheet.getId(), hours);
        },
      };
      return builder;
    };
    return { forSpreadsheet, timeBased } as unknown as GoogleAppsScript.Script.TriggerBuilder;
  }
}
