// Bundles the browser side: the view page's script, the embed script and the add-on's sidebar,
// each one minified self-contained file in dist/sidebar/, and prints their gzip sizes.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SIDEBAR_BUNDLES = {
  'view.js': 'sidebar/entries/view-page.ts',
  'embed.js': 'sidebar/entries/embed.ts',
  'sidebar.js': 'sidebar/entries/sidebar.ts',
} as const;

export async function buildSidebar(): Promise<void> {
  const outdir = `${root}dist/sidebar`;
  const result = await build({
    write: false,
    absWorkingDir: root,
    entryPoints: Object.entries(SIDEBAR_BUNDLES).map(([out, entry]) => ({ in: entry, out: out.replace(/\.js$/, '') })),
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    // Browsers of the last few years; decorators are lowered by esbuild for all of them.
    target: ['chrome111', 'firefox111', 'safari16.4', 'edge111'],
    tsconfig: 'sidebar/tsconfig.json',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
  await mkdir(outdir, { recursive: true });
  const sizes: string[] = [];
  for (const file of result.outputFiles) {
    // Write then rename: a relay starting while another build runs never reads half a file.
    const name = basename(file.path);
    const bytes = file.contents;
    const temporary = `${outdir}/.${name}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, `${outdir}/${name}`);
    sizes.push(sizeLine(name, bytes));
  }
  console.log(`dist/sidebar:\n  ${sizes.join('\n  ')}`);
}

/** `name  37.2 KB  gzip  14.0 KB`: what a bundle costs to send, for every build to print. */
export function sizeLine(name: string, contents: Uint8Array | string): string {
  const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents;
  return `${name.padEnd(12)} ${kb(bytes.length).padStart(8)}  gzip ${kb(gzipSync(bytes, { level: 9 }).length).padStart(8)}`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildSidebar();
