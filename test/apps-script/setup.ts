// One add-on world per test file: the Google emulator (signing the add-on's ID tokens), the
// real relay trusting it, the add-on built by scripts/build-addon.ts for that relay, and the
// harness running the built bundle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon } from '../../scripts/build-addon.ts';
import { buildSidebar } from '../../scripts/build-sidebar.ts';
import { startRelay, type Relay } from '../helpers/index.ts';
import { startThreadedGoogle, type ThreadedGoogle } from './google.ts';
import { AppsScriptHarness, type Execution } from './harness.ts';

/** The add-on's Google Cloud OAuth client: the audience of its ID tokens. */
export const ADDON_CLIENT_ID = 'sheetcast-addon.apps.googleusercontent.com';
export const PUBLISHER = 'alice@example.com';
export const EDITOR = 'bob@example.com';

export interface AddonWorld {
  /** The Google emulator, on its own thread so it answers while a fetch blocks this one. */
  google: ThreadedGoogle;
  relay: Relay;
  /** The clasp rootDir the build wrote. */
  dir: string;
  /** A fresh spreadsheet with the add-on installed. */
  spreadsheet(options?: { id?: string; name?: string; timeZone?: string; identityToken?: (email: string) => string }): AppsScriptHarness;
  close(): Promise<void>;
}

/** `sidebar`: bundle the Lit sidebar first, so the built Sidebar.html inlines it; `relayEnv`: the relay's configuration beyond the defaults. */
export async function startAddonWorld(options: { sidebar?: boolean; relayEnv?: Record<string, string> } = {}): Promise<AddonWorld> {
  if (options.sidebar) await buildSidebar();
  const google = await startThreadedGoogle();
  const relay = await startRelay({ env: { SHEETCAST_GOOGLE_BASE: google.url, GOOGLE_CLIENT_IDS: ADDON_CLIENT_ID, ...options.relayEnv } });
  const dir = mkdtempSync(join(tmpdir(), 'sheetcast-addon-'));
  await buildAddon({ relayUrl: relay.url, outDir: dir, quiet: true });
  const harnesses: AppsScriptHarness[] = [];
  let count = 0;
  return {
    google,
    relay,
    dir,
    spreadsheet(options = {}) {
      const harness = new AppsScriptHarness({
        dir,
        spreadsheetId: options.id ?? `1Spreadsheet${++count}${Date.now().toString(36)}`,
        spreadsheetName: options.name,
        spreadsheetTimeZone: options.timeZone,
        identityToken: options.identityToken ?? ((email) => google.idToken({ sub: `google-${email}`, email, aud: ADDON_CLIENT_ID, emailVerified: true })),
      });
      harnesses.push(harness);
      return harness;
    },
    async close() {
      await Promise.all(harnesses.map((h) => h.close()));
      await relay.stop();
      await google.close();
    },
  };
}

/** The executions, after failing the test with the first one's error if any failed. */
export function ok(executions: Execution[]): Execution[] {
  for (const e of executions) if (e.error !== undefined) throw e.error;
  return executions;
}
