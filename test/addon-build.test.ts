// The add-on's build: what clasp pushes (dist/addon) and what Apps Script needs of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { buildAddon } from '../scripts/build-addon.ts';

const ENTRY_POINTS = [
  'addWebhook',
  'getState',
  'hourlyCheck',
  'listWebhooks',
  'onInstall',
  'onOpen',
  'onSheetChange',
  'onSheetEdit',
  'publish',
  'publishSelection',
  'removeWebhook',
  'showSidebar',
  'stopPublishing',
  'unpublish',
  'useSelection',
];

/** A stand-in for dist/sidebar/sidebar.js, so that these tests need no sidebar build. */
function sidebarBundle(js = 'customElements.define("sheetcast-sidebar", class extends HTMLElement {});'): string {
  const script = join(mkdtempSync(join(tmpdir(), 'sheetcast-sidebar-')), 'sidebar.js');
  writeFileSync(script, js);
  return script;
}

async function built(relayUrl: string, sidebarScript = sidebarBundle()): Promise<{ code: string; sidebar: string; manifest: Record<string, any> }> {
  const outDir = mkdtempSync(join(tmpdir(), 'sheetcast-build-'));
  await buildAddon({ relayUrl, outDir, sidebarScript, quiet: true });
  return {
    code: readFileSync(join(outDir, 'Code.js'), 'utf8'),
    sidebar: readFileSync(join(outDir, 'Sidebar.html'), 'utf8'),
    manifest: JSON.parse(readFileSync(join(outDir, 'appsscript.json'), 'utf8')),
  };
}

describe('the add-on build', () => {
  it('declares every trigger, menu and sidebar function as a top-level function, and nothing else', async () => {
    const { code } = await built('https://relay.example.com');
    for (const name of ENTRY_POINTS) expect(code).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
    const context = vm.createContext({});
    vm.runInContext(code, context);
    const globals = Object.keys(context).sort();
    expect(globals.filter((g) => typeof context[g] === 'function')).toEqual(ENTRY_POINTS);
    expect(globals.filter((g) => typeof context[g] !== 'function')).toEqual(['__sheetcast']);
  });

  it('bakes the relay origin into the bundle and the urlFetchWhitelist', async () => {
    const { code, manifest } = await built('https://relay.example.com/');
    expect(code).toContain('"https://relay.example.com"');
    expect(manifest.urlFetchWhitelist).toEqual(['https://relay.example.com/']);
  });

  it('reads the relay origin from SHEETCAST_RELAY_URL', async () => {
    const before = process.env.SHEETCAST_RELAY_URL;
    process.env.SHEETCAST_RELAY_URL = 'https://live.sheetcast.example';
    try {
      const outDir = mkdtempSync(join(tmpdir(), 'sheetcast-build-'));
      await buildAddon({ outDir, sidebarScript: sidebarBundle(), quiet: true });
      expect(JSON.parse(readFileSync(join(outDir, 'appsscript.json'), 'utf8')).urlFetchWhitelist).toEqual(['https://live.sheetcast.example/']);
    } finally {
      if (before === undefined) delete process.env.SHEETCAST_RELAY_URL;
      else process.env.SHEETCAST_RELAY_URL = before;
    }
  });

  it('asks for the fewest scopes that work, on the V8 runtime', async () => {
    const { manifest } = await built('https://relay.example.com');
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.oauthScopes).toEqual([
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.scriptapp',
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
  });

  it('inlines the Lit sidebar into one self-contained page', async () => {
    const { sidebar } = await built('https://relay.example.com', sidebarBundle('google.script.run.getState(); var s = "</script><!--";'));
    expect(sidebar).toContain('<sheetcast-sidebar></sheetcast-sidebar>');
    expect(sidebar).toContain('google.script.run.getState()');
    expect(sidebar).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    // The inlined script cannot end its own <script> element early.
    expect(sidebar.match(/<\/script>/g)).toHaveLength(1);
  });

  it('fails, naming the file, when the Lit sidebar bundle is missing, and leaves the previous build whole', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sheetcast-build-'));
    await buildAddon({ relayUrl: 'https://relay.example.com', outDir, sidebarScript: sidebarBundle(), quiet: true });
    const missing = join(mkdtempSync(join(tmpdir(), 'sheetcast-sidebar-')), 'sidebar.js');
    await expect(buildAddon({ relayUrl: 'https://relay.example.com', outDir, sidebarScript: missing, quiet: true })).rejects.toThrow(missing);
    expect(readdirSync(outDir).sort()).toEqual(['Code.js', 'Sidebar.html', 'appsscript.json']);
  });

  it('prints the size of each file it bundles, raw and gzipped', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sheetcast-build-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await buildAddon({ relayUrl: 'https://relay.example.com', outDir, sidebarScript: sidebarBundle() });
      const printed = log.mock.calls.flat().join('\n');
      for (const file of ['Code.js', 'Sidebar.html']) {
        const kb = (statSync(join(outDir, file)).size / 1024).toFixed(1);
        expect(printed).toMatch(new RegExp(`${file.replace('.', '\\.')} +${kb} KB  gzip +[0-9.]+ KB`));
      }
    } finally {
      log.mockRestore();
    }
  });

  it('points clasp at the build output', () => {
    expect(JSON.parse(readFileSync('.clasp.json', 'utf8')).rootDir).toBe('dist/addon');
  });

  it('typechecks against @types/google-apps-script, without DOM or Node types', () => {
    const tsconfig = JSON.parse(readFileSync('addon/tsconfig.json', 'utf8'));
    expect(tsconfig.compilerOptions.types).toEqual(['google-apps-script']);
    expect(tsconfig.compilerOptions.lib).toEqual(['es2024']);
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'addon/tsconfig.json'], { stdio: 'pipe' });
  });
});
