// The add-on's cost inside Google, counted by the Apps Script harness (SPEC.md "Targets": a
// single-cell edit is one execution that does work, one fetch and at most 12 service calls).
// Each case runs the built add-on against a real relay: executions Google starts, those that
// call any service, fetches, service calls and properties bytes. Counts, not times: they are
// the same on any machine, and they are what Google's quotas and latency are made of.
// `addonRoot` measures another checkout of the add-on (e.g. the commit before a change).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon } from '../../scripts/build-addon.ts';
import { startRelay } from '../../test/helpers/index.ts';
import { serviceCalls, type Execution } from '../../test/apps-script/execution.ts';
import { startThreadedGoogle } from '../../test/apps-script/google.ts';
import { AppsScriptHarness } from '../../test/apps-script/harness.ts';
import { ADDON_CLIENT_ID, EDITOR, PUBLISHER } from '../../test/apps-script/setup.ts';

export interface AddonCostRow {
  case: string;
  /** Executions Google started for it (triggers included), and those that called any service. */
  executions: number;
  working: number;
  fetches: number;
  calls: number;
  propertyBytesRead: number;
  propertyBytesWritten: number;
  /** The calls of the costliest execution, by name: where they go. */
  breakdown: Record<string, number>;
}

const ROWS = 100;
const COLUMNS = 10;
const RANGE = { sheet: 'Sheet1', range: 'A1:J100' };

function row(name: string, executions: Execution[]): AddonCostRow {
  const working = executions.filter((e) => serviceCalls(e) > 0);
  for (const e of executions) if (e.error !== undefined) throw new Error(`${name}: ${e.handler} failed: ${String(e.error)}`);
  const costliest = [...executions].sort((a, b) => serviceCalls(b) - serviceCalls(a))[0];
  return {
    case: name,
    executions: executions.length,
    working: working.length,
    fetches: executions.reduce((n, e) => n + e.fetches.length, 0),
    calls: executions.reduce((n, e) => n + serviceCalls(e), 0),
    propertyBytesRead: executions.reduce((n, e) => n + e.propertyBytesRead, 0),
    propertyBytesWritten: executions.reduce((n, e) => n + e.propertyBytesWritten, 0),
    breakdown: costliest?.calls ?? {},
  };
}

export async function addonCost(options: { addonRoot?: string }, log: (line: string) => void): Promise<AddonCostRow[]> {
  const google = await startThreadedGoogle();
  const relay = await startRelay({ env: { SHEETCAST_GOOGLE_BASE: google.url, GOOGLE_CLIENT_IDS: ADDON_CLIENT_ID } });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sheetcast-addon-cost-'));
    if (options.addonRoot) {
      execFileSync(process.execPath, [join(options.addonRoot, 'scripts/build-addon.ts')], { cwd: options.addonRoot, env: { ...process.env, SHEETCAST_RELAY_URL: relay.url }, stdio: ['ignore', 'ignore', 'inherit'] });
      cpSync(join(options.addonRoot, 'dist/addon'), dir, { recursive: true });
    } else {
      await buildAddon({ relayUrl: relay.url, outDir: dir, quiet: true });
    }
    const sheet = new AppsScriptHarness({
      dir,
      spreadsheetId: `1AddonCost${Date.now().toString(36)}`,
      identityToken: (email) => google.idToken({ sub: `google-${email}`, email, aud: ADDON_CLIENT_ID, emailVerified: true }),
    });
    sheet.writeSilently('Sheet1', 'A1:J100', Array.from({ length: ROWS }, (_, r) => Array.from({ length: COLUMNS }, (_, c) => `r${r}c${c}`)));
    sheet.run(PUBLISHER, 'publish', { title: 'Cost', ranges: [RANGE], access: 'link', allow: [] });
    // The first edit after publishing settles what publishing left (the repair pass's baseline).
    sheet.edit(EDITOR, 'Sheet1', 'B2', 'warm-up');
    const rows: AddonCostRow[] = [];
    const measure = (name: string, act: () => Execution[]) => {
      rows.push(row(name, act()));
      log(`add-on cost: ${name}`);
    };
    measure('single-cell edit', () => sheet.edit(EDITOR, 'Sheet1', 'C3', 'one cell'));
    measure(`paste ${ROWS}×${COLUMNS}`, () =>
      sheet.edit(
        EDITOR,
        'Sheet1',
        'A1:J100',
        Array.from({ length: ROWS }, (_, r) => Array.from({ length: COLUMNS }, (_, c) => `pasted ${r}:${c}`)),
      ),
    );
    // A person fills one cell with colour: Google fires only the change trigger, with FORMAT.
    measure('format change', () => sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('B2').setBackground('#ff0000')));
    // The next one, with no edit between: the links read by the first are reused.
    measure('format change, no edit since', () => sheet.format(EDITOR, (ss) => ss.sheet('Sheet1').range('B3').setFontWeight('bold')));
    measure('row insert', () => sheet.change(EDITOR, 'INSERT_ROW', (ss) => ss.sheet('Sheet1').insertRowsBefore(50, 1)));
    sheet.writeSilently('Sheet1', 'D10', [['recalculated']]);
    measure('hourly check, a value changed', () => sheet.tick());
    measure('hourly check, nothing changed', () => sheet.tick());
    await sheet.close();
    return rows;
  } finally {
    await relay.stop();
    await google.close();
  }
}

export function renderAddonCost(rows: AddonCostRow[]): string {
  const out = ['', 'Add-on cost per case, counted by the Apps Script harness (SPEC: a single-cell edit is 1 working execution, 1 fetch, ≤ 12 calls)'];
  out.push(['case'.padEnd(32), 'executions', 'working', 'fetches', 'service calls', 'props read B', 'props written B'].join('  '));
  for (const r of rows) {
    out.push(
      [r.case.padEnd(32), String(r.executions).padStart(10), String(r.working).padStart(7), String(r.fetches).padStart(7), String(r.calls).padStart(13), String(r.propertyBytesRead).padStart(12), String(r.propertyBytesWritten).padStart(15)].join('  '),
    );
  }
  for (const name of ['single-cell edit', 'format change, no edit since']) {
    const r = rows.find((row) => row.case === name);
    if (r) out.push(`${name}, its calls: ${Object.entries(r.breakdown).map(([call, n]) => (n > 1 ? `${call} ×${n}` : call)).join(', ')}`);
  }
  return out.join('\n') + '\n';
}
