// The one way the sidebar talks to the add-on: `google.script.run`, one promise per call,
// typed by the add-on's sidebar-callable functions (SPEC.md, "The add-on").
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { Access, PublishedRange } from '../../protocol/wire.ts';

/** What the add-on reports about this spreadsheet's publication. */
export interface AddonState {
  /** True while this spreadsheet is published. */
  published: boolean;
  /** The doc's title when published, else the spreadsheet's name (the default title). */
  title: string;
  ranges: PublishedRange[];
  access: Access;
  allow: string[];
  shareId: string | null;
  viewUrl: string | null;
  embedUrl: string | null;
  /** Batches sent to the relay since midnight in the script's time zone. */
  sentToday: number;
  /** The last failure in words (relay unreachable, key rejected…), null when all is well. */
  lastError: string | null;
  /** Batches waiting for the relay to answer (kept and re-sent in order). */
  pending?: number;
  /** The last batches delivered, newest last. */
  recent?: RecentSend[];
}

export interface RecentSend {
  /** ms since epoch */
  at: number;
  kind: 'edits' | 'snapshot';
  cells: number;
  /** `Sheet1!B2:C3`, one per range in the batch. */
  ranges: string[];
}

export interface PublishSettings {
  title: string;
  ranges: PublishedRange[];
  access: Access;
  allow: string[];
}

export interface ServerFunctions {
  getState(): AddonState;
  publish(settings: PublishSettings): AddonState;
  unpublish(): AddonState;
  useSelection(): PublishedRange;
}

interface ScriptRun {
  withSuccessHandler(handler: (value: unknown) => void): ScriptRun;
  withFailureHandler(handler: (error: unknown) => void): ScriptRun;
}

declare global {
  // Provided by HtmlService to the sidebar's page.
  var google: { script: { run: ScriptRun } } | undefined;
}

export function callServer<K extends keyof ServerFunctions>(
  name: K,
  ...args: Parameters<ServerFunctions[K]>
): Promise<ReturnType<ServerFunctions[K]>> {
  return new Promise((resolve, reject) => {
    const run = globalThis.google?.script.run;
    if (!run) {
      reject(new Error('This page must be opened from the Sheetcast menu in Google Sheets.'));
      return;
    }
    const runner = run
      .withSuccessHandler((value) => resolve(value as ReturnType<ServerFunctions[K]>))
      .withFailureHandler((error) => reject(error instanceof Error ? error : new Error(String(error)))) as unknown as Record<
      K,
      (...a: Parameters<ServerFunctions[K]>) => void
    >;
    runner[name](...args);
  });
}

/** The relay's base URL, from the links it handed out at publish. */
export function relayBase(state: AddonState): string | null {
  const link = state.embedUrl ?? state.viewUrl;
  if (!link) return null;
  return new URL(state.embedUrl ? '.' : '..', link).href;
}

/** `Sheet1!A1:B2` or `'My sheet'!A1`: the range part after the last `!`, quotes removed from the sheet. */
export function parseRangeInput(text: string): PublishedRange | null {
  const bang = text.lastIndexOf('!');
  if (bang <= 0) return null;
  let sheet = text.slice(0, bang).trim();
  if (sheet.startsWith("'") && sheet.endsWith("'") && sheet.length > 1) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  const rect = parseA1(text.slice(bang + 1).trim());
  return sheet && rect ? { sheet, range: formatA1(rect) } : null;
}
