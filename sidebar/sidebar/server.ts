// The one way the sidebar talks to the add-on: `google.script.run`, one promise per call,
// typed by the add-on's sidebar-callable functions (SPEC.md, "The add-on").
import { formatA1, parseA1 } from '../../protocol/a1.ts';
import type { PublishOptions, SidebarState } from '../../protocol/sidebar.ts';
import type { PublishedRange } from '../../protocol/wire.ts';

/** What the sidebar shows of the add-on's state (the rest is for the plain page and debugging). */
export type AddonState = Pick<
  SidebarState,
  'published' | 'title' | 'ranges' | 'access' | 'allow' | 'shareId' | 'viewUrl' | 'embedUrl' | 'sentToday' | 'lastError'
> &
  Partial<Pick<SidebarState, 'pending' | 'recent'>>;

/** The sidebar always sends every setting. */
export type PublishSettings = Required<PublishOptions>;

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
