// Builds the add-on for clasp: dist/addon/Code.js (one bundle whose Apps Script entry points
// are top-level `function` declarations), Sidebar.html (the Lit sidebar inlined) and
// appsscript.json (the top-level manifest with the relay's origin in urlFetchWhitelist).
// The relay origin comes from SHEETCAST_RELAY_URL (default http://localhost:8080).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sizeLine } from './build-sidebar.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'addon/index.ts';
/** The IIFE's global; each entry point delegates to it. */
const BUNDLE_GLOBAL = '__sheetcast';

export interface BuildAddonOptions {
  /** The relay's URL; defaults to SHEETCAST_RELAY_URL, then http://localhost:8080. */
  relayUrl?: string;
  /** Where to write; defaults to dist/addon. */
  outDir?: string;
  /** The Lit sidebar bundle to inline (it must exist); defaults to dist/sidebar/sidebar.js. */
  sidebarScript?: string;
  /** No summary line on stdout (tests). */
  quiet?: boolean;
}

export async function buildAddon(options: BuildAddonOptions = {}): Promise<void> {
  const relayUrl = relayOrigin(options.relayUrl ?? process.env['SHEETCAST_RELAY_URL'] ?? 'http://localhost:8080');
  const outDir = options.outDir ?? join(root, 'dist/addon');
  // Read before anything is written: without the sidebar, the previous build stays whole.
  const sidebar = await sidebarPage(options.sidebarScript ?? join(root, 'dist/sidebar/sidebar.js'));
  const entryPoints = await entryPointNames();

  const bundle = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: BUNDLE_GLOBAL,
    platform: 'neutral',
    // Apps Script's V8 runtime; lowered a little for safety, nothing it lacks is needed.
    target: 'es2019',
    tsconfig: 'addon/tsconfig.json',
    define: { SHEETCAST_RELAY_URL: JSON.stringify(relayUrl) },
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Sheetcast add-on, built by scripts/build-addon.ts for ${relayUrl}. Do not edit: edit addon/ and rebuild.` },
    // Apps Script finds triggers, menu handlers and google.script.run targets only among
    // top-level function declarations.
    footer: { js: entryPoints.map((name) => `function ${name}() {\n  return ${BUNDLE_GLOBAL}.${name}.apply(this, arguments);\n}`).join('\n') },
  });

  const manifest = JSON.parse(await readFile(join(root, 'appsscript.json'), 'utf8')) as { urlFetchWhitelist?: string[] };
  manifest.urlFetchWhitelist = [`${new URL(relayUrl).origin}/`];

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const code = bundle.outputFiles[0]!.text;
  await writeFile(join(outDir, 'Code.js'), code);
  await writeFile(join(outDir, 'Sidebar.html'), sidebar);
  await writeFile(join(outDir, 'appsscript.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (!options.quiet) {
    console.log(`${outDir}: Code.js (${entryPoints.join(', ')}), Sidebar.html, appsscript.json → ${relayUrl}\n  ${sizeLine('Code.js', code)}\n  ${sizeLine('Sidebar.html', sidebar)}`);
  }
}

/** The names addon/index.ts exports: exactly the functions Apps Script must see. */
async function entryPointNames(): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    outfile: 'entry.js',
    metafile: true,
    define: { SHEETCAST_RELAY_URL: '""' },
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === ENTRY);
  if (!output || output.exports.length === 0) throw new Error(`${ENTRY} exports nothing`);
  return [...output.exports].sort();
}

function relayOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`SHEETCAST_RELAY_URL is not a URL: ${text}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`SHEETCAST_RELAY_URL must be http(s): ${text}`);
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1'].includes(url.hostname)) {
    console.warn(`SHEETCAST_RELAY_URL uses http: Apps Script only allows https origins in urlFetchWhitelist (${text})`);
  }
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

/** The Lit sidebar inlined into one page (HtmlService serves one file). */
async function sidebarPage(script: string): Promise<string> {
  let bundle: string;
  try {
    bundle = await readFile(script, 'utf8');
  } catch (error) {
    throw new Error(`The add-on inlines the sidebar bundle ${script}; run npm run build:sidebar first. ${(error as Error).message}`, { cause: error });
  }
  const js = bundle.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  return `<!doctype html>
<html>
  <head>
    <base target="_top" />
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sheetcast</title>
  </head>
  <body>
    <sheetcast-sidebar></sheetcast-sidebar>
    <script>${js}</script>
  </body>
</html>
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAddon();
