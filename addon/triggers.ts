// Entry points Apps Script calls: the simple triggers, the installable triggers and the menu.
// Trigger runs hold the document lock and never throw: add-on triggers send no failure
// e-mail, so every problem is recorded where the sidebar shows it.

import { LOCK_WAIT_MS } from './logic/limits.ts';
import { noteError } from './logic/status.ts';
import { emptyState, type PublishedDoc, type SyncState } from './logic/state.ts';
import { loadState, rememberClockWithoutDocument, rememberFailure, saveState, type Loaded } from './gas/properties.ts';
import { messageOf } from './gas/relay.ts';
import { countDaysIn, withDocumentLock } from './gas/session.ts';
import { activeSpreadsheet, rectOf, removeAnchors } from './gas/sheets.ts';
import { removeTriggers } from './gas/triggers.ts';
import { addMenu, alert, openSidebar } from './gas/ui.ts';
import { getState, publish, unpublish, useSelection } from './publishing.ts';
import { syncChange, syncCheck, syncEdit } from './sync.ts';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** `source` is the event's spreadsheet, which costs no call; without it the active one is asked for. */
function run(work: (ss: Spreadsheet, state: SyncState & { doc: PublishedDoc }) => void, source?: Spreadsheet | null): void {
  // Busy for this long means another run is sending: its repair pass covers this one's cells.
  withDocumentLock(
    LOCK_WAIT_MS,
    () => {
      try {
        let loaded: Loaded;
        try {
          loaded = loadState();
        } catch (error) {
          return rememberFailure('read', messageOf(error));
        }
        const state = loaded.state;
        if (!state.doc) return;
        const ss = source ? countDaysIn(source) : activeSpreadsheet();
        try {
          work(ss, state as SyncState & { doc: PublishedDoc });
        } catch (error) {
          noteError(state.status, messageOf(error), Date.now());
          console.error(error);
        }
        if (state.unknownToRelay) {
          // Unpublished elsewhere: stop firing, and forget the doc (the error stays for the sidebar).
          removeTriggers(ss, state.doc.triggers ?? {});
          removeAnchors(ss);
          loaded.state = emptyState(state.status);
        }
        try {
          saveState(loaded);
        } catch (error) {
          rememberFailure('save', messageOf(error));
        }
      } catch (error) {
        console.error(error);
      }
    },
    () => undefined,
    // No document: nothing of it can be read or sent, so the run only leaves word for the sidebar.
    rememberClockWithoutDocument,
  );
}

/** Installed from the Marketplace: this runs in AuthMode.FULL, so the sidebar can say the next step at once. */
export function onInstall(e: GoogleAppsScript.Events.AddonOnInstall): void {
  onOpen(e);
  openSidebar();
}

export function onOpen(_e: GoogleAppsScript.Events.SheetsOnOpen | GoogleAppsScript.Events.AddonOnInstall): void {
  addMenu(); // nothing else: in AuthMode.NONE no other service may be touched
}

export function onSheetEdit(e: GoogleAppsScript.Events.SheetsOnEdit): void {
  const range = e?.range;
  const edited = range ? () => ({ sheet: range.getSheet().getName(), rect: rectOf(range) }) : null;
  run((ss, state) => syncEdit(ss, state, edited), e?.source);
}

export function onSheetChange(e: GoogleAppsScript.Events.SheetsOnChange): void {
  // Google fires this for every edit too (changeType EDIT), as the publisher: the edit trigger
  // runs for it, so this execution ends before any service call, lock or fetch.
  if (e?.changeType === 'EDIT') return;
  run((ss, state) => syncChange(ss, state, e?.changeType ?? 'OTHER'), e?.source);
}

export function hourlyCheck(_e?: GoogleAppsScript.Events.TimeDriven): void {
  run((ss, state) => syncCheck(ss, state));
}

export function showSidebar(): void {
  openSidebar();
}

export function publishSelection(): void {
  try {
    // Already published: the sidebar is where ranges are changed.
    if (!getState().published) {
      publish({ title: activeSpreadsheet().getName(), ranges: [useSelection()], access: 'link', allow: [] });
    }
    openSidebar();
  } catch (error) {
    alert(messageOf(error));
  }
}

export function stopPublishing(): void {
  try {
    unpublish();
    activeSpreadsheet().toast('Sheetcast stopped publishing this spreadsheet.', 'Sheetcast');
  } catch (error) {
    alert(messageOf(error));
  }
}
