// The one way the sidebar talks to the add-on: `google.script.run`, one promise per call, typed
// by the contract the add-on's exports are checked against (protocol/sidebar.ts).
import type { ServerFunctions } from '../../protocol/sidebar.ts';

/** Each server function answers through the handlers, not by returning. */
type Calls = { [K in keyof ServerFunctions]: (...args: Parameters<ServerFunctions[K]>) => void };

interface Runner extends Calls {
  withSuccessHandler(handler: (value: unknown) => void): Runner;
  withFailureHandler(handler: (error: unknown) => void): Runner;
}

declare global {
  // Provided by HtmlService to the sidebar's page.
  var google: { script: { run: Runner } } | undefined;
}

/** Calls the add-on's server function `name`; settles when Apps Script answers or throws. */
export function callServer<K extends keyof ServerFunctions>(name: K, ...args: Parameters<ServerFunctions[K]>): Promise<ReturnType<ServerFunctions[K]>> {
  return new Promise((resolve, reject) => {
    const run = globalThis.google?.script.run;
    if (!run) {
      reject(new Error('This page must be opened from the Sheetcast menu in Google Sheets.'));
      return;
    }
    const runner: Calls = run
      .withSuccessHandler((value) => resolve(value as ReturnType<ServerFunctions[K]>))
      .withFailureHandler((error) => reject(error instanceof Error ? error : new Error(String(error))));
    runner[name](...args);
  });
}
