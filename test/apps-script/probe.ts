// A small Apps Script project for testing the harness itself: `probe(expression)` evaluates an
// expression inside the project, so a test can call the fake services as a script would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsScriptHarness, type Execution } from './harness.ts';

export const ALL_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets.currentonly',
  'https://www.googleapis.com/auth/script.container.ui',
  'https://www.googleapis.com/auth/script.external_request',
  'https://www.googleapis.com/auth/script.scriptapp',
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
];

const PROBE = 'function probe(what) { return eval(what); }\n';

/** A harness running `code` (with `probe` added) under the given manifest. */
export function probeHarness(code: string, manifest: Record<string, unknown> = { oauthScopes: ALL_SCOPES }): AppsScriptHarness {
  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-probe-'));
  writeFileSync(join(dir, 'Code.js'), PROBE + code);
  writeFileSync(join(dir, 'appsscript.json'), JSON.stringify({ timeZone: 'Etc/UTC', runtimeVersion: 'V8', ...manifest }));
  writeFileSync(join(dir, 'Sidebar.html'), '<p>hi</p>');
  return new AppsScriptHarness({ dir, identityToken: (email) => `token-for-${email}` });
}

/** Runs `expression` inside the project as `user`, in FULL mode unless told; returns the execution. */
export function probe(h: AppsScriptHarness, expression: string, authMode: 'NONE' | 'LIMITED' | 'FULL' = 'FULL', user = 'alice@example.com'): Execution {
  return h.execute('probe', { effectiveUser: user, authMode }, expression);
}
